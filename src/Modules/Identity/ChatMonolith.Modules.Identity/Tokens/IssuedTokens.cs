using ChatMonolith.BuildingBlocks.Security;

namespace ChatMonolith.Modules.Identity.Tokens;

/// <summary>A device's new tokens; both are <see cref="Secret"/>s, so that no log of a result shows them.</summary>
public sealed record IssuedTokens(
    Secret AccessToken, DateTimeOffset AccessTokenExpiresAt, Secret RefreshToken, DateTimeOffset RefreshTokenExpiresAt);
