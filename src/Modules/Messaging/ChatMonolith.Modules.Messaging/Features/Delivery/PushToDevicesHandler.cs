using ChatMonolith.Modules.Messaging.Contracts.Stream;
using ChatMonolith.Modules.Messaging.Grpc;
using ChatMonolith.Modules.Messaging.Realtime;

namespace ChatMonolith.Modules.Messaging.Features.Delivery;

/// <summary>Other modules' real-time events enter the devices' streams here, through the same router as messages.</summary>
public static class PushToDevicesHandler
{
    public static void Handle(PushToDevices push, DeliveryRouter router) =>
        router.Notify(push.Targets, StreamUpdateMapping.ToServerEvent(push.Update));
}
