using ChatMonolith.Modules.Identity.Contracts;

namespace ChatMonolith.Modules.Identity.Data;

internal sealed class Device
{
    /// <summary>At most this many characters as a reader counts them (text elements).</summary>
    public const int MaxNameLength = 64;

    public Guid UserId { get; init; }

    public Guid DeviceId { get; init; }

    public required string Name { get; init; }

    public DevicePlatform Platform { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastActiveAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
