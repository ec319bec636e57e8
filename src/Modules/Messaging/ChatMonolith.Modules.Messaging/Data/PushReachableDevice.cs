namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>
/// Whether a push can reach a device (it has a push target), as Notifications last told (<c>PushTargetChanged</c>).
/// A Citus reference table: the batch hop reads it for many users at once, and it changes only when a target does.
/// </summary>
internal sealed class PushReachableDevice
{
    public Guid UserId { get; init; }

    public Guid DeviceId { get; init; }

    public bool HasTarget { get; init; }

    public DateTimeOffset ChangedAt { get; init; }
}
