using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace ChatMonolith.Host.Composition;

internal static class RedisRegistration
{
    /// <summary>One shared multiplexer; keys and channels carry <c>Redis:KeyPrefix</c>, so hosts of one deployment share it and others don't.</summary>
    public static void AddRedis(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Redis")
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is not set (environment: ConnectionStrings__Redis).");
        var prefix = builder.Configuration["Redis:KeyPrefix"] ?? "chat:";

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            options.ChannelPrefix = RedisChannel.Literal(prefix);
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase().WithKeyPrefix(prefix));
    }
}
