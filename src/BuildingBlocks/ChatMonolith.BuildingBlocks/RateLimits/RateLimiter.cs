using System.Collections.Concurrent;
using ChatMonolith.BuildingBlocks.Errors;
using StackExchange.Redis;

namespace ChatMonolith.BuildingBlocks.RateLimits;

/// <summary>
/// A limit of <see cref="Permits"/> per <see cref="Window"/> for each key (a user, an account, an address), named for
/// its Redis keys (refusals are counted by their reason, as every error is). <see cref="Lease"/> permits are taken from Redis at a time and spent locally, so that
/// a busy key costs one Redis call per lease, not per request (a lease of 1 is exact across hosts).
/// </summary>
public sealed record RateLimit(string Name, int Permits, TimeSpan Window, int Lease = 1)
{
    /// <summary>Whether the limit applies at all: a limit of 0 permits is off.</summary>
    public bool IsOn => Permits > 0 && Window > TimeSpan.Zero;
}

/// <summary>
/// Fixed-window limits held in Redis, so that they hold across every host of the deployment. A window starts with its
/// key's first permit and lasts <see cref="RateLimit.Window"/>; what is refused is told when the window ends. While
/// Redis is away, each host counts for itself, with the same limits: a limit is never lifted by an outage.
/// </summary>
public sealed class RateLimiter(IDatabase redis, IConnectionMultiplexer connection, TimeProvider clock)
{
    // INCRBY the lease; the first increment starts the window. Returns the count and the window's time left (ms).
    private const string TakeScript = """
        local n = redis.call('INCRBY', KEYS[1], ARGV[1])
        if n == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
        return {n, ttl}
        """;

    // Permits leased from Redis (or counted here while it is away), spent by this host. Two callers that find a key's
    // lease empty at once both take one; the later overwrites the earlier, whose unspent permits are lost: a key may
    // get fewer than its permits in a window, never more.
    private readonly ConcurrentDictionary<(string Limit, string Key), Held> _held = new();

    // The windows this host counts for itself while Redis is away.
    private readonly ConcurrentDictionary<(string Limit, string Key), Window> _local = new();
    private int _takesSincePrune;

    /// <summary>Takes one permit of <paramref name="limit"/> for <paramref name="key"/>: null if granted, else when to try again.</summary>
    public async ValueTask<TimeSpan?> TryTakeAsync(RateLimit limit, string key)
    {
        if (!limit.IsOn)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var held = _held.GetOrAdd((limit.Name, key), _ => new Held());
        lock (held)
        {
            if (held.Left > 0 && held.Until > now)
            {
                held.Left--;
                return null;
            }
        }

        PruneNowAndThen(now);
        var (granted, until) = await TakeLeaseAsync(limit, key, now);
        lock (held)
        {
            if (granted == 0)
            {
                return until - now;
            }

            held.Left = granted - 1;
            held.Until = until;
            return null;
        }
    }

    /// <summary>
    /// Takes one permit, or refuses the request: RESOURCE_EXHAUSTED with <paramref name="reason"/>, a message that
    /// says <paramref name="what"/> and when to try again, and that time as RetryInfo.
    /// </summary>
    public async ValueTask TakeOrRefuseAsync(RateLimit limit, string key, string reason, string what)
    {
        if (await TryTakeAsync(limit, key) is { } retryAfter)
        {
            throw Refusal(reason, what, retryAfter);
        }
    }

    /// <summary>The refusal of a used-up limit, with when to retry, in words and as RetryInfo.</summary>
    public static ChatException Refusal(string reason, string what, TimeSpan retryAfter) =>
        ChatException.RateLimited(reason, $"{what}; try again in {InWords(retryAfter)}.", retryAfter);

    private static string InWords(TimeSpan wait) => wait < TimeSpan.FromMinutes(2)
        ? $"{Math.Max(1, Math.Ceiling(wait.TotalSeconds)):0} s"
        : $"{Math.Ceiling(wait.TotalMinutes):0} min";

    /// <summary>Tells whether <paramref name="key"/> has used up <paramref name="limit"/>, without taking a permit.</summary>
    public async ValueTask<TimeSpan?> ExhaustedAsync(RateLimit limit, string key)
    {
        if (!limit.IsOn)
        {
            return null;
        }

        if (connection.IsConnected)
        {
            try
            {
                // The count and the window's time left in one round trip.
                var counted = await redis.StringGetWithExpiryAsync(Key(limit, key));
                return counted.Value.TryParse(out long count) && count >= limit.Permits ? counted.Expiry ?? limit.Window : null;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Counted locally below.
            }
        }

        var local = _local.GetValueOrDefault((limit.Name, key));
        var now = clock.GetUtcNow();
        return local is not null && local.Until > now && local.Count >= limit.Permits ? local.Until - now : null;
    }

    private async ValueTask<(int Granted, DateTimeOffset Until)> TakeLeaseAsync(RateLimit limit, string key, DateTimeOffset now)
    {
        var lease = Math.Clamp(limit.Lease, 1, limit.Permits);
        if (connection.IsConnected)
        {
            try
            {
                var result = (RedisResult[])(await redis.ScriptEvaluateAsync(
                    TakeScript, [Key(limit, key)], [lease, (long)limit.Window.TotalMilliseconds]))!;
                var count = (long)result[0];
                var until = now + TimeSpan.FromMilliseconds((long)result[1]);
                var granted = (int)Math.Clamp(limit.Permits - (count - lease), 0, lease);
                return (granted, until);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Redis went away between the check and the call: counted locally.
            }
        }

        var window = _local.AddOrUpdate((limit.Name, key),
            _ => new Window(now + limit.Window, lease),
            (_, old) => old.Until > now ? old with { Count = old.Count + lease } : new Window(now + limit.Window, lease));
        return ((int)Math.Clamp(limit.Permits - (window.Count - lease), 0, lease), window.Until);
    }

    private static RedisKey Key(RateLimit limit, string key) => $"limits:{limit.Name}:{key}";

    /// <summary>Drops what has run out, every few thousand leases, so idle keys do not stay in memory.</summary>
    private void PruneNowAndThen(DateTimeOffset now)
    {
        if (Interlocked.Increment(ref _takesSincePrune) % 4096 != 0)
        {
            return;
        }

        foreach (var (id, held) in _held)
        {
            if (held.Until <= now)
            {
                _held.TryRemove(id, out _);
            }
        }

        foreach (var (id, window) in _local)
        {
            if (window.Until <= now)
            {
                _local.TryRemove(id, out _);
            }
        }
    }

    private sealed class Held
    {
        public int Left;
        public DateTimeOffset Until;
    }

    private sealed record Window(DateTimeOffset Until, long Count);
}
