namespace ChatMonolith.Modules.Identity.Data;

internal sealed class User
{
    public Guid UserId { get; init; }

    public required string Username { get; init; }

    public required string DisplayName { get; set; }

    public required string PasswordHash { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
