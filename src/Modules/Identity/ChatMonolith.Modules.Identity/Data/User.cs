namespace ChatMonolith.Modules.Identity.Data;

internal sealed class User
{
    /// <summary>At most this many characters as a reader counts them (text elements).</summary>
    public const int MaxDisplayNameLength = 64;

    public Guid UserId { get; init; }

    public required string Username { get; init; }

    public required string DisplayName { get; set; }

    public required string PasswordHash { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
