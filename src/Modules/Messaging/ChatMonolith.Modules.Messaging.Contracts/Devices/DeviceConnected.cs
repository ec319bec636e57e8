namespace ChatMonolith.Modules.Messaging.Contracts.Devices;

/// <summary>A device opened a stream (Connect or Subscribe) on this host.</summary>
public sealed record DeviceConnected(Guid UserId, Guid DeviceId);
