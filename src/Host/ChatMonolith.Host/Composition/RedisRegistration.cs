using ChatMonolith.BuildingBlocks.RateLimits;
using ChatMonolith.BuildingBlocks.Redis;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace ChatMonolith.Host.Composition;

internal static class RedisRegistration
{
    /// <summary>
    /// One shared multiplexer for commands (Messaging's routing has a pub/sub connection of its own); keys carry
    /// <c>Redis:KeyPrefix</c>, so hosts of one deployment share them and others don't. Channels are not prefixed by
    /// the connection, because Redis's own (keyspace notifications) cannot be: a module that publishes prefixes its
    /// channels itself. Admin commands are allowed for CONFIG (Presence turns on expiry notifications). How the
    /// connection behaves while Redis is away: <see cref="RedisSettings.Options"/>.
    /// </summary>
    public static void AddRedis(this WebApplicationBuilder builder)
    {
        var options = RedisSettings.Options(builder.Configuration);
        options.AllowAdmin = true;
        var prefix = RedisSettings.KeyPrefix(builder.Configuration);

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase().WithKeyPrefix(prefix));
        // Limits per user, account or address that hold across every host (each module sets its own).
        builder.Services.AddSingleton<RateLimiter>();
    }
}
