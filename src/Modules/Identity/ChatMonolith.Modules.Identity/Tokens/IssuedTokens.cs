namespace ChatMonolith.Modules.Identity.Tokens;

public sealed record IssuedTokens(
    string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt);
