using StackExchange.Redis;

namespace ChatMonolith.Modules.Presence.Redis;

/// <summary>Every Redis key of presence, in one place (the deployment's prefix is added by the connection).</summary>
internal static class PresenceKeys
{
    public const string DevicePrefix = "presence:device:";
    public const string TypingPrefix = "presence:typing:";

    /// <summary>Exists while the device is connected; its TTL is two heartbeat intervals.</summary>
    public static RedisKey Device(Guid userId, Guid deviceId) => $"{DevicePrefix}{userId}:{deviceId}";

    /// <summary>The user's devices that are (or were until their expiry is noticed) online.</summary>
    public static RedisKey Devices(Guid userId) => $"presence:devices:{userId}";

    /// <summary>Users with at least one device online, for the sweep.</summary>
    public static RedisKey OnlineUsers => "presence:online-users";

    public static RedisKey HeartbeatLimit(Guid deviceId) => $"presence:heartbeat-limit:{deviceId}";

    public static RedisKey LastSeen(Guid userId) => $"presence:last-seen:{userId}";

    /// <summary>The devices watching a user, as "userId:deviceId".</summary>
    public static RedisKey Watchers(Guid userId) => $"presence:watchers:{userId}";

    /// <summary>The users one device watches.</summary>
    public static RedisKey Watching(Guid userId, Guid deviceId) => $"presence:watching:{userId}:{deviceId}";

    /// <summary>Exists while the user types in the conversation; the value is when the start was last told (unix ms).</summary>
    public static RedisKey Typing(Guid conversationId, Guid userId) => $"{TypingPrefix}{conversationId}:{userId}";

    public static RedisKey TypingExpiryClaim(Guid conversationId, Guid userId) => $"presence:typing-expired:{conversationId}:{userId}";

    public static RedisKey TypingRate(Guid userId) => $"presence:typing-rate:{userId}";

    /// <summary>Two ids after <paramref name="prefix"/>, separated by a colon, as the device and typing keys hold them.</summary>
    public static bool TryParsePair(string key, string prefix, out Guid first, out Guid second)
    {
        first = second = Guid.Empty;
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var ids = key[prefix.Length..].Split(':');
        return ids.Length == 2 && Guid.TryParse(ids[0], out first) && Guid.TryParse(ids[1], out second);
    }
}
