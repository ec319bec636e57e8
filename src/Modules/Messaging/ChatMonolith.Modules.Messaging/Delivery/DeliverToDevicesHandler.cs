using ChatMonolith.Modules.Messaging.Contracts.Delivery;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>Other modules' real-time events enter the devices' streams here, through the same router as messages.</summary>
public static class DeliverToDevicesHandler
{
    public static void Handle(DeliverToDevices request, DeliveryRouter router) =>
        router.Notify(request.Targets, StreamEvents.ToServerEvent(request.Event));
}
