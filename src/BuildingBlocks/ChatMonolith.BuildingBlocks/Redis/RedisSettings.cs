using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace ChatMonolith.BuildingBlocks.Redis;

/// <summary>How every connection of this deployment to Redis is made (docs/adr/0020).</summary>
public static class RedisSettings
{
    /// <summary>The prefix of every key and channel of this deployment (<c>Redis:KeyPrefix</c>).</summary>
    public static string KeyPrefix(IConfiguration configuration) => configuration["Redis:KeyPrefix"] ?? "chat:";

    /// <summary>
    /// <c>ConnectionStrings:Redis</c>, made so that Redis away stalls no one: a command fails at once while the
    /// connection is down instead of waiting in a backlog (<see cref="BacklogPolicy.FailFast"/>), and one that gets no
    /// answer fails after a second, not five. Whoever calls Redis decides what to do without it. Settings in the
    /// connection string (<c>asyncTimeout=…</c>) come after these defaults and win.
    /// </summary>
    public static ConfigurationOptions Options(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Redis")
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is not set (environment: ConnectionStrings__Redis).");
        var options = ConfigurationOptions.Parse("connectTimeout=2000,syncTimeout=1000,asyncTimeout=1000," + connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }
}
