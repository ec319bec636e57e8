using StackExchange.Redis;

namespace ChatMonolith.Modules.Identity.Tokens;

/// <summary>
/// Revoked devices whose access tokens may still be unexpired, in Redis so every host sees a revocation at once.
/// An entry lives as long as the longest-lived token it must stop (docs/adr/0004).
/// </summary>
public sealed class RevokedDevices
{
    private readonly IDatabase _redis;
    private readonly AccessTokens _tokens;

    internal RevokedDevices(IDatabase redis, AccessTokens tokens)
    {
        _redis = redis;
        _tokens = tokens;
    }

    internal Task AddAsync(Guid deviceId) =>
        _redis.StringSetAsync(Key(deviceId), "1", _tokens.Lifetime + TimeSpan.FromMinutes(1));

    internal Task<bool> ContainsAsync(Guid deviceId) => _redis.KeyExistsAsync(Key(deviceId));

    private static string Key(Guid deviceId) => $"identity:revoked-device:{deviceId:N}";
}
