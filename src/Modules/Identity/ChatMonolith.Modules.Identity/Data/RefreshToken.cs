namespace ChatMonolith.Modules.Identity.Data;

/// <summary>
/// One issued refresh token, by its SHA-256. A rotated token keeps its row with <see cref="ReplacedAt"/> set,
/// so presenting it again is recognised as reuse (a stolen token) rather than as garbage.
/// </summary>
internal sealed class RefreshToken
{
    public Guid UserId { get; init; }

    public required byte[] TokenHash { get; init; }

    public Guid DeviceId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? ReplacedAt { get; set; }
}
