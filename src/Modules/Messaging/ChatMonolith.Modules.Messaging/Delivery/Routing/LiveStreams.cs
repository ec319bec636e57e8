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

    /// <summary>This host is alive for another lease; refreshed well before it lapses.</summary>
    public Task RenewLeaseAsync() => redis.StringSetAsync(HostKey(routes.HostId), "1", options.Value.HostLease);

    /// <summary>This host is going away: its streams are no longer live anywhere.</summary>
    public Task EndLeaseAsync() => redis.KeyDeleteAsync(HostKey(routes.HostId));

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
