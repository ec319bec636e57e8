namespace ChatMonolith.Modules.Notifications.Contracts;

/// <summary>
/// A device got a push target (<paramref name="HasTarget"/>) or lost it, at <paramref name="At"/>. Messaging keeps
/// which devices a push can reach from these, so that after a send batch it hands on nothing when each of them held a
/// live stream. Apply only one newer than what is known: two may arrive out of order.
/// </summary>
public sealed record PushTargetChanged(Guid UserId, Guid DeviceId, bool HasTarget, DateTimeOffset At);
