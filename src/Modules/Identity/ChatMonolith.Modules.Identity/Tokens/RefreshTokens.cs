using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Identity.Tokens;

/// <summary>
/// Opaque refresh tokens: <c>{user id}.{256 bits}</c>. The user id routes the lookup to the right shard; only the
/// SHA-256 of the whole token is stored. A login's token is random; a rotation's successor is an HMAC of the token it
/// replaces under a key derived from the signing key, so a retry of the same rotation finds the same successor
/// without the server keeping any token (docs/adr/0005).
/// </summary>
internal sealed class RefreshTokens
{
    private readonly IdentityOptions _options;
    private readonly TimeProvider _clock;
    private readonly byte[] _successorKey;

    internal RefreshTokens(IOptions<IdentityOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _successorKey = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_options.SigningKey), "chatmonolith refresh token successor"u8);
    }

    /// <summary>See <see cref="IdentityOptions.RefreshRetryWindow"/>.</summary>
    internal TimeSpan RetryWindow => _options.RefreshRetryWindow;

    internal (string Token, byte[] Hash, DateTimeOffset ExpiresAt) Create(Guid userId)
    {
        var token = $"{userId:N}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        return (token, Hash(token), ExpiresAt());
    }

    /// <summary>The one token that rotating <paramref name="presented"/> gives, whoever rotates it and how often.</summary>
    internal (string Token, byte[] Hash, DateTimeOffset ExpiresAt) Successor(Guid userId, string presented)
    {
        var token = $"{userId:N}.{Base64Url.EncodeToString(HMACSHA256.HashData(_successorKey, Encoding.UTF8.GetBytes(presented)))}";
        return (token, Hash(token), ExpiresAt());
    }

    internal static bool TryParse(string token, out Guid userId, out byte[] hash)
    {
        hash = [];
        userId = Guid.Empty;
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot != 32 || token.Length > 100 || !Guid.TryParseExact(token.AsSpan(0, dot), "N", out userId))
        {
            return false;
        }

        hash = Hash(token);
        return true;
    }

    /// <summary>To the microsecond, as PostgreSQL stores it: a retry's answer then says what the first said.</summary>
    private DateTimeOffset ExpiresAt()
    {
        var expiresAt = _clock.GetUtcNow() + _options.RefreshTokenLifetime;
        return expiresAt.AddTicks(-(expiresAt.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
