using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Identity.Tokens;

/// <summary>Issues a device's access token and a new refresh token, whose hash it adds to the DbContext.</summary>
public sealed class SessionIssuer
{
    private readonly AccessTokens _accessTokens;
    private readonly RefreshTokens _refreshTokens;
    private readonly TimeProvider _clock;

    internal SessionIssuer(AccessTokens accessTokens, RefreshTokens refreshTokens, TimeProvider clock)
    {
        _accessTokens = accessTokens;
        _refreshTokens = refreshTokens;
        _clock = clock;
    }

    /// <summary>A login's tokens: a random refresh token.</summary>
    internal IssuedTokens Issue(IdentityDbContext db, Guid userId, Guid deviceId) =>
        Add(db, userId, deviceId, _refreshTokens.Create(userId));

    /// <summary>A rotation's tokens: the presented token's one successor (<see cref="RefreshTokens.Successor"/>).</summary>
    internal IssuedTokens Rotate(IdentityDbContext db, Guid userId, Guid deviceId, string presented) =>
        Add(db, userId, deviceId, _refreshTokens.Successor(userId, presented));

    /// <summary>
    /// A second presentation of a token rotated at <paramref name="rotatedAt"/>: within the retry window, and while
    /// its successor is unused, it is a retry of an answer that was lost, and gets that successor again with a new
    /// access token. Otherwise null: it is reuse.
    /// </summary>
    internal async Task<IssuedTokens?> RetryAsync(
        IdentityDbContext db, Guid userId, Guid deviceId, string presented, DateTimeOffset rotatedAt, CancellationToken cancellationToken)
    {
        if (_clock.GetUtcNow() - rotatedAt > _refreshTokens.RetryWindow)
        {
            return null;
        }

        var (token, hash, _) = _refreshTokens.Successor(userId, presented);
        var successor = await db.RefreshTokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.UserId == userId && t.TokenHash == hash && t.DeviceId == deviceId && t.ReplacedAt == null, cancellationToken);
        if (successor is null)
        {
            return null;
        }

        var (accessToken, accessExpiresAt) = _accessTokens.Issue(userId, deviceId);
        return new IssuedTokens(new Secret(accessToken), accessExpiresAt, new Secret(token), successor.ExpiresAt);
    }

    private IssuedTokens Add(IdentityDbContext db, Guid userId, Guid deviceId, (string Token, byte[] Hash, DateTimeOffset ExpiresAt) refresh)
    {
        var (accessToken, accessExpiresAt) = _accessTokens.Issue(userId, deviceId);
        var (refreshToken, hash, refreshExpiresAt) = refresh;
        db.RefreshTokens.Add(new RefreshToken
        {
            UserId = userId,
            TokenHash = hash,
            DeviceId = deviceId,
            CreatedAt = _clock.GetUtcNow(),
            ExpiresAt = refreshExpiresAt,
        });
        return new IssuedTokens(new Secret(accessToken), accessExpiresAt, new Secret(refreshToken), refreshExpiresAt);
    }
}
