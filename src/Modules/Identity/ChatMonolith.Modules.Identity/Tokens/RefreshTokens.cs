using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Identity.Tokens;

/// <summary>
/// Opaque refresh tokens: <c>{user id}.{256 random bits}</c>. The user id routes the lookup to the right shard;
/// only the SHA-256 of the whole token is stored.
/// </summary>
internal sealed class RefreshTokens
{
    private readonly IdentityOptions _options;
    private readonly TimeProvider _clock;

    internal RefreshTokens(IOptions<IdentityOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
    }

    internal (string Token, byte[] Hash, DateTimeOffset ExpiresAt) Create(Guid userId)
    {
        var token = $"{userId:N}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        return (token, Hash(token), _clock.GetUtcNow() + _options.RefreshTokenLifetime);
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

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
