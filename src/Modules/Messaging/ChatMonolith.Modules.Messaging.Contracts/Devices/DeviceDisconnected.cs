namespace ChatMonolith.Modules.Messaging.Contracts.Devices;

/// <summary>
/// A device's stream ended. <paramref name="Graceful"/> when the device said goodbye (closed its side of the stream);
/// otherwise it vanished or the server ended it, and it may be back in a moment.
/// </summary>
public sealed record DeviceDisconnected(Guid UserId, Guid DeviceId, bool Graceful);
