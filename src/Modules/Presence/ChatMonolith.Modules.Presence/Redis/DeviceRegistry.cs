using StackExchange.Redis;

namespace ChatMonolith.Modules.Presence.Redis;

/// <summary>
/// Which devices are online, in Redis. Each change is one script, so the step from "no device" to "a device" (and
/// back) is seen by exactly one caller, on whichever host: that caller tells the watchers.
/// </summary>
internal sealed class DeviceRegistry(IDatabase redis)
{
    // KEYS: device, devices, online users, heartbeat limit. ARGV: device id, user id, ttl ms, spacing ms, limit (1/0).
    // Returns -1 refused (too soon), 0 nothing changed, 1 the user came online.
    private const string OnlineScript = """
        if ARGV[5] == '1' and not redis.call('SET', KEYS[4], '1', 'PX', ARGV[4], 'NX') then return -1 end
        if redis.call('PEXPIRE', KEYS[1], ARGV[3]) == 1 then return 0 end
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[3])
        redis.call('SADD', KEYS[2], ARGV[1])
        if redis.call('SCARD', KEYS[2]) == 1 then
            redis.call('SADD', KEYS[3], ARGV[2])
            return 1
        end
        return 0
        """;

    // KEYS: device, devices, online users. ARGV: device id, user id, 1 to remove the device key, 0 only if it expired.
    // Returns 1 when this made the user's last device go away.
    private const string OfflineScript = """
        if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) elseif redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return 0 end
        if redis.call('SCARD', KEYS[2]) == 0 then
            redis.call('SREM', KEYS[3], ARGV[2])
            return 1
        end
        return 0
        """;

    public enum Change
    {
        Refused,
        None,
        CameOnline,
    }

    /// <summary>The device is here: a connect (never refused) or a heartbeat (refused when too soon after the last).</summary>
    public async Task<Change> TouchAsync(Guid userId, Guid deviceId, TimeSpan ttl, TimeSpan? minSpacing)
    {
        var result = (long)await redis.ScriptEvaluateAsync(
            OnlineScript,
            [PresenceKeys.Device(userId, deviceId), PresenceKeys.Devices(userId), PresenceKeys.OnlineUsers, PresenceKeys.HeartbeatLimit(deviceId)],
            [deviceId.ToString(), userId.ToString(), (long)ttl.TotalMilliseconds, (long)(minSpacing ?? TimeSpan.Zero).TotalMilliseconds, minSpacing is null ? "0" : "1"]);
        return result switch { -1 => Change.Refused, 1 => Change.CameOnline, _ => Change.None };
    }

    /// <returns>True when the user went offline with this device.</returns>
    public async Task<bool> RemoveAsync(Guid userId, Guid deviceId, bool onlyIfExpired) =>
        (long)await redis.ScriptEvaluateAsync(
            OfflineScript,
            [PresenceKeys.Device(userId, deviceId), PresenceKeys.Devices(userId), PresenceKeys.OnlineUsers],
            [deviceId.ToString(), userId.ToString(), onlyIfExpired ? "0" : "1"]) == 1;

    public async Task<bool> IsOnlineAsync(Guid userId) => await redis.SetLengthAsync(PresenceKeys.Devices(userId)) > 0;

    public async Task<IReadOnlyList<Guid>> OnlineUsersAsync() =>
        [.. (await redis.SetMembersAsync(PresenceKeys.OnlineUsers)).Select(v => Guid.Parse(v.ToString()))];

    public async Task<IReadOnlyList<Guid>> DevicesAsync(Guid userId) =>
        [.. (await redis.SetMembersAsync(PresenceKeys.Devices(userId))).Select(v => Guid.Parse(v.ToString()))];

    public Task<bool> DeviceKeyExistsAsync(Guid userId, Guid deviceId) => redis.KeyExistsAsync(PresenceKeys.Device(userId, deviceId));
}
