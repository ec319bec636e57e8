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
}
