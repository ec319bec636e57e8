namespace ChatMonolith.BuildingBlocks.Security;

/// <summary>The claim names of an access token, shared by the token issuer and everyone who reads the caller.</summary>
public static class CallerClaims
{
    /// <summary>The user's id (JWT <c>sub</c>).</summary>
    public const string UserId = "sub";

    /// <summary>The device's id.</summary>
    public const string DeviceId = "did";

    /// <summary>The authentication scheme that validates access tokens.</summary>
    public const string Scheme = "ChatMonolithAccessToken";

    /// <summary>
    /// The authentication failure that is not the caller's: whether the device is revoked could not be checked
    /// (Redis and PostgreSQL away). Answered with UNAVAILABLE, so the client retries instead of signing out.
    /// </summary>
    public const string CheckUnavailable = "AUTHENTICATION_UNAVAILABLE";
}
