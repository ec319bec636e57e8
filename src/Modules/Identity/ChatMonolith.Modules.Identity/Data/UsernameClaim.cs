namespace ChatMonolith.Modules.Identity.Data;

/// <summary>Who holds a username: keyed (and, on Citus, distributed) by the username itself, so uniqueness is one key.</summary>
internal sealed class UsernameClaim
{
    public required string Username { get; init; }

    public Guid UserId { get; init; }
}
