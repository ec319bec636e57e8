using System.Collections.Concurrent;
using ChatMonolith.BuildingBlocks.Security;
using Npgsql;
using StackExchange.Redis;

namespace ChatMonolith.Modules.Identity.Tokens;

/// <summary>
/// Revoked devices whose access tokens may still be unexpired, in Redis so every host sees a revocation at once.
/// An entry lives as long as the longest-lived token it must stop (docs/adr/0004). While Redis is away, the check asks
/// PostgreSQL, which keeps <c>revoked_at</c>, and remembers each answer for a few seconds (docs/adr/0020).
/// </summary>
public sealed class RevokedDevices
{
    /// <summary>How long an answer of PostgreSQL stands in for Redis: a revocation on another host shows within it.</summary>
    private static readonly TimeSpan FallbackAnswerLifetime = TimeSpan.FromSeconds(5);

    private const int MaxRememberedAnswers = 20_000;

    private readonly IDatabase _redis;
    private readonly AccessTokens _tokens;
    private readonly NpgsqlDataSource _database;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<Guid, (bool Revoked, DateTimeOffset Until)> _fallbackAnswers = new();

    internal RevokedDevices(IDatabase redis, AccessTokens tokens, NpgsqlDataSource database, TimeProvider clock)
    {
        (_redis, _tokens, _database, _clock) = (redis, tokens, database, clock);
    }

    internal Task AddAsync(Guid deviceId) =>
        _redis.StringSetAsync(Key(deviceId), "1", _tokens.Lifetime + TimeSpan.FromMinutes(1));

    /// <exception cref="Exception">Neither Redis nor PostgreSQL answered.</exception>
    internal async Task<bool> ContainsAsync(Caller caller)
    {
        try
        {
            return await _redis.KeyExistsAsync(Key(caller.DeviceId));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return await StoredAsRevokedAsync(caller);
        }
    }

    /// <summary>
    /// For a token seen for the first time: refuses one whose device was never stored for its user (TOKEN_INVALID).
    /// Only a holder of the signing key can make such a token; one routed primary-key read per token, not per call.
    /// </summary>
    /// <exception cref="NpgsqlException">PostgreSQL did not answer.</exception>
    internal async Task<string?> CheckDeviceExistsAsync(Caller caller) =>
        await StoredRevocationAsync(caller) is null ? "TOKEN_INVALID" : null;

    private async Task<bool> StoredAsRevokedAsync(Caller caller)
    {
        var now = _clock.GetUtcNow();
        if (_fallbackAnswers.TryGetValue(caller.DeviceId, out var answer) && answer.Until > now)
        {
            return answer.Revoked;
        }

        // A device that is not stored at all (its user was deleted) is as good as revoked.
        var revoked = await StoredRevocationAsync(caller) is not false;
        if (_fallbackAnswers.Count >= MaxRememberedAnswers)
        {
            _fallbackAnswers.Clear();
        }

        _fallbackAnswers[caller.DeviceId] = (revoked, now + FallbackAnswerLifetime);
        return revoked;
    }

    /// <summary>Whether the stored device is revoked; null when no such device is stored for the user.</summary>
    private async Task<bool?> StoredRevocationAsync(Caller caller)
    {
        await using var command = _database.CreateCommand(
            "SELECT revoked_at IS NOT NULL FROM identity.devices WHERE user_id = $1 AND device_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = caller.UserId });
        command.Parameters.Add(new NpgsqlParameter { Value = caller.DeviceId });
        return await command.ExecuteScalarAsync() as bool?;
    }

    private static string Key(Guid deviceId) => $"identity:revoked-device:{deviceId:N}";
}
