using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatMonolith.Modules.Messaging.Delivery.Routing;

/// <summary>
/// Which host holds each device's live stream, in Redis: <c>messaging:live:{user}</c> maps a device to
/// <c>{host}:{generation}</c>, and each host keeps a lease, <c>messaging:host:{host}</c>, while it runs. An entry of a
/// host whose lease has lapsed (killed, cut off) is not live. The generation orders a device's streams: a newer one
/// replaces the older, on whichever host (docs/adr/0020).
/// </summary>
internal sealed class LiveStreams(IDatabase redis, RedisRoutes routes, IOptions<MessagingOptions> options, TimeProvider clock, ILogger<LiveStreams> logger)
{
    // KEYS: the user's live map. ARGV: device, host. Returns the generation: Redis's clock in microseconds, one
    // clock for every host, so that of two streams opened at once, one is the newer everywhere.
    private const string ClaimScript = """
        local now = redis.call('TIME')
        local generation = now[1] * 1000000 + now[2]
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. string.format('%.0f', generation))
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return string.format('%.0f', generation)
        """;

    // KEYS: the user's live map. ARGV: device, the entry the stream claimed.
    private const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
        return 0
        """;

    // KEYS: this host's lease, the deployment's hosts (scored by lease end). ARGV: host, lease ms. Returns
    // {lapsed 1/0, the hosts alive}. Redis's clock for every host's lease.
    private const string RenewScript = """
        local t = redis.call('TIME')
        local now = t[1] * 1000 + math.floor(t[2] / 1000)
        local lapsed = redis.call('EXISTS', KEYS[1]) == 0 and 1 or 0
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
        redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
        return { lapsed, redis.call('ZRANGEBYSCORE', KEYS[2], now, '+inf') }
        """;

    private static readonly RedisKey HostsKey = "messaging:hosts";

    /// <summary>A user's map outlives a day without a stream opening: old entries of dead hosts go with it.</summary>
    private static readonly TimeSpan MapLifetime = TimeSpan.FromDays(1);

    /// <summary>
    /// Records the stream as the device's live one and returns its generation. Without Redis the generation comes from
    /// this host's clock (same unit), so a newer stream still replaces an older one here.
    /// </summary>
    public async Task<long> ClaimAsync(Caller caller)
    {
        try
        {
            var generation = await redis.ScriptEvaluateAsync(ClaimScript, [MapKey(caller.UserId)],
                [caller.DeviceId.ToString("N"), routes.HostId, (long)MapLifetime.TotalMilliseconds]);
            return long.Parse(generation.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogDebug("Recording device {DeviceId}'s stream in Redis failed: {Reason}", caller.DeviceId, e.Message);
            return (clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        }
    }

    /// <summary>Forgets the stream, unless a newer one of the device has claimed its place meanwhile.</summary>
    public void Release(Caller caller, long generation) =>
        _ = redis.ScriptEvaluateAsync(ReleaseScript, [MapKey(caller.UserId)], [caller.DeviceId.ToString("N"), $"{routes.HostId}:{generation}"])
            .ContinueWith(t => logger.LogDebug(t.Exception, "Forgetting device {DeviceId}'s stream failed", caller.DeviceId),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>
    /// This host is alive for another lease; refreshed well before it lapses. Says whether the lease had lapsed (or
    /// never was: the first renewal), and which hosts of the deployment hold a lease now, this one included.
    /// </summary>
    public async Task<(bool Lapsed, IReadOnlyList<string> Alive)> RenewLeaseAsync()
    {
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(RenewScript, [HostKey(routes.HostId), HostsKey],
            [routes.HostId, (long)options.Value.HostLease.TotalMilliseconds]))!;
        return ((long)result[0] == 1, [.. ((RedisResult[])result[1]!).Select(h => h.ToString())]);
    }

    /// <summary>This host is going away: its streams are no longer live anywhere.</summary>
    public async Task EndLeaseAsync()
    {
        await redis.KeyDeleteAsync(HostKey(routes.HostId));
        await redis.SortedSetRemoveAsync(HostsKey, routes.HostId);
    }

    /// <summary>The devices of <paramref name="userIds"/> whose live stream is on a host that is up; Redis round trips: two, pipelined.</summary>
    public async Task<List<DeviceTarget>> FindAsync(IReadOnlyList<Guid> userIds)
    {
        var maps = await Task.WhenAll(userIds.Select(id => redis.HashGetAllAsync(MapKey(id))));
        var entries = userIds.Zip(maps).SelectMany(m => m.Second.Select(e => (
            UserId: m.First,
            DeviceId: Guid.ParseExact(e.Name.ToString(), "N"),
            Host: e.Value.ToString().Split(':')[0]))).ToList();
        var hosts = entries.Select(e => e.Host).Distinct().ToList();
        var alive = await Task.WhenAll(hosts.Select(h => redis.KeyExistsAsync(HostKey(h))));
        var up = hosts.Where((_, i) => alive[i]).ToHashSet();
        return [.. entries.Where(e => up.Contains(e.Host)).Select(e => new DeviceTarget(e.UserId, e.DeviceId))];
    }

    private static RedisKey MapKey(Guid userId) => $"messaging:live:{userId:N}";

    private static RedisKey HostKey(string hostId) => $"messaging:host:{hostId}";
}
