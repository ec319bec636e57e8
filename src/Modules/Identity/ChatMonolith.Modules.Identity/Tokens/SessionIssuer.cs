using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Identity.Data;

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

    internal IssuedTokens Issue(IdentityDbContext db, Guid userId, Guid deviceId)
    {
        var (accessToken, accessExpiresAt) = _accessTokens.Issue(userId, deviceId);
        var (refreshToken, hash, refreshExpiresAt) = _refreshTokens.Create(userId);
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
