namespace ChatMonolith.Modules.Identity.Contracts;

/// <summary>Integration event: a user signed in on a new device.</summary>
public sealed record DeviceSignedIn(Guid UserId, Guid DeviceId, string DeviceName, DevicePlatform Platform, DateTimeOffset SignedInAt);
