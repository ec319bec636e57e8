using ChatMonolith.Modules.Messaging.Contracts.Delivery;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>Who has a live stream: what Redis records for every host, and what this host knows without Redis.</summary>
public static class FindLiveDevicesHandler
{
    public static Task<LiveDevices> Handle(FindLiveDevices query, DeliveryRouter router) => router.FindLiveAsync(query.UserIds);
}
