using System.ComponentModel.DataAnnotations;

namespace ChatMonolith.Modules.Identity;

/// <summary>Settings of the Identity module, section <c>Identity</c>.</summary>
internal sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>HMAC-SHA256 key for access tokens, at least 32 bytes; the same on every host.</summary>
    [Required, MinLength(32)]
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "chatmonolith";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>PBKDF2 iterations of ASP.NET Core Identity's password hasher.</summary>
    [Range(10_000, 10_000_000)]
    public int PasswordHashIterations { get; set; } = 100_000;
}
