using StackExchange.Redis;

namespace ChatMonolith.Modules.Presence.Redis;

/// <summary>Who is typing where, as keys that expire on their own; never stored anywhere else.</summary>
internal sealed class TypingState(IDatabase redis)
{
    // KEYS: rate counter. ARGV: limit, window ms. Returns 1 allowed, 0 over the limit.
    private const string RateScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        if n > tonumber(ARGV[1]) then return 0 end
        return 1
        """;

    // KEYS: typing. ARGV: now ms, timeout ms. Returns 1 when the start should be told (new, or told over half a timeout
    // ago, so watchers' own timers never run out while it lasts), 0 when only the expiry moved.
    private const string StartScript = """
        local told = redis.call('GET', KEYS[1])
        if told and tonumber(ARGV[1]) - tonumber(told) < tonumber(ARGV[2]) / 2 then
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 0
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    public async Task<bool> WithinRateAsync(Guid userId, int limit, TimeSpan window) =>
        (long)await redis.ScriptEvaluateAsync(RateScript, [PresenceKeys.TypingRate(userId)], [limit, (long)window.TotalMilliseconds]) == 1;

    /// <returns>Whether the start is news for the other members.</returns>
    public async Task<bool> StartAsync(Guid conversationId, Guid userId, DateTimeOffset now, TimeSpan timeout) =>
        (long)await redis.ScriptEvaluateAsync(StartScript, [PresenceKeys.Typing(conversationId, userId)], [now.ToUnixTimeMilliseconds(), (long)timeout.TotalMilliseconds]) == 1;

    /// <returns>Whether the user was typing.</returns>
    public Task<bool> StopAsync(Guid conversationId, Guid userId) => redis.KeyDeleteAsync(PresenceKeys.Typing(conversationId, userId));

    /// <summary>Every host hears of an expired key; the one that claims it tells the members.</summary>
    public Task<bool> ClaimExpiryAsync(Guid conversationId, Guid userId, TimeSpan timeout) =>
        redis.StringSetAsync(PresenceKeys.TypingExpiryClaim(conversationId, userId), 1, timeout / 2, When.NotExists);
}
