using ChatMonolith.Modules.Identity.Contracts;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>A revoked device's open streams end at once, on whichever host, not when its access token expires.</summary>
public static class DisconnectRevokedDeviceHandler
{
    public static void Handle(DeviceRevoked revoked, DeliveryRouter router) => router.Revoke(revoked.UserId, revoked.DeviceId);
}
