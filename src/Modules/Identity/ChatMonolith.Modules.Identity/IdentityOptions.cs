using System.ComponentModel.DataAnnotations;

namespace ChatMonolith.Modules.Identity;

/// <summary>Settings of the Identity module, section <c>Identity</c>.</summary>
internal sealed class IdentityOptions
{
    public const string Section = "Identity";

    public const int MinSigningKeyBytes = 32;

    /// <summary>Keys that were once in the repository: no host may start with one of them.</summary>
    public static readonly IReadOnlySet<string> PublishedSigningKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "development-only-signing-key-change-me-in-production",
    };

    /// <summary>HMAC-SHA256 key for access tokens, at least 32 bytes (UTF-8); the same on every host. No environment has a default.</summary>
    [Required]
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "chatmonolith";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long after a refresh token is rotated a second presentation of it counts as a retry of a lost answer, and
    /// gets the same successor, rather than as reuse, which revokes the device (docs/adr/0005). Zero turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RefreshRetryWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>PBKDF2 iterations of ASP.NET Core Identity's password hasher.</summary>
    [Range(10_000, 10_000_000)]
    public int PasswordHashIterations { get; set; } = 100_000;

    /// <summary>
    /// Login attempts from one address per <see cref="LoginWindow"/>, counted before the password is hashed, so that a
    /// flood of guesses costs no PBKDF2. 0 turns it off.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int LoginAttemptsPerAddress { get; set; } = 30;

    /// <summary>
    /// Wrong passwords for one username per <see cref="LoginWindow"/>; past them, the account's logins are refused
    /// before hashing until the window ends. A short window: an attacker who fails on purpose shuts the real user out
    /// for at most that long after stopping. 0 turns it off.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int FailedLoginsPerAccount { get; set; } = 10;

    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Accounts registered from one address per <see cref="RegistrationWindow"/>. 0 turns it off.</summary>
    [Range(0, int.MaxValue)]
    public int RegistrationsPerAddress { get; set; } = 10;

    public TimeSpan RegistrationWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Devices a user may have signed in at once; a login past it is refused until one is revoked. 0: no cap.</summary>
    [Range(0, int.MaxValue)]
    public int MaxDevicesPerUser { get; set; } = 20;
}
