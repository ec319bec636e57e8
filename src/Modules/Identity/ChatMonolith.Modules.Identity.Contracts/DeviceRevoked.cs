namespace ChatMonolith.Modules.Identity.Contracts;

/// <summary>
/// Integration event: a device was signed out or revoked. Its tokens no longer work; modules that hold
/// state for the device (open streams, push subscriptions) drop it.
/// </summary>
public sealed record DeviceRevoked(Guid UserId, Guid DeviceId, DateTimeOffset RevokedAt);
