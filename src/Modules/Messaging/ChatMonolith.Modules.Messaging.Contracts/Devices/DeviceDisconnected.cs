namespace ChatMonolith.Modules.Messaging.Contracts.Devices;

/// <summary>
/// A device's stream ended. <paramref name="Graceful"/> when the device said goodbye (closed its side of the stream);
/// otherwise it vanished or the server ended it, and it may be back in a moment. <paramref name="Replaced"/> when a
/// newer stream of the same device took its place (on this host or another): the device is still there, and what it
/// set up (its watches) belongs to the new stream.
/// </summary>
public sealed record DeviceDisconnected(Guid UserId, Guid DeviceId, bool Graceful, bool Replaced = false);
