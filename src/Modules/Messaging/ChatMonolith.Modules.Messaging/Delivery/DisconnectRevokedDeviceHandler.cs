using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Messaging.Delivery;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>A revoked device's open streams end at once, not when its access token expires.</summary>
public static class DisconnectRevokedDeviceHandler
{
    public static void Handle(DeviceRevoked revoked, DeliveryRouter router) =>
        router.Disconnect(revoked.UserId, revoked.DeviceId, ChatException.Unauthenticated("DEVICE_REVOKED", "This device was signed out."));
}
