using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace ChatMonolith.Host.Composition;

internal static class RedisRegistration
{
    /// <summary>
    /// One shared multiplexer; keys carry <c>Redis:KeyPrefix</c>, so hosts of one deployment share them and others
    /// don't. Channels are not prefixed by the connection, because Redis's own (keyspace notifications) cannot be:
    /// a module that publishes prefixes its channels itself. Admin commands are allowed for CONFIG (Presence turns on
    /// expiry notifications).
    /// </summary>
    public static void AddRedis(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Redis")
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is not set (environment: ConnectionStrings__Redis).");
        var prefix = builder.Configuration["Redis:KeyPrefix"] ?? "chat:";

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            options.AllowAdmin = true;
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase().WithKeyPrefix(prefix));
    }
}
