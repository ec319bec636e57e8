using ChatMonolith.Modules.Messaging.Contracts.Devices;

namespace ChatMonolith.Modules.Presence.Features.Connection;

public static class DeviceConnectedHandler
{
    public static Task Handle(DeviceConnected connected, PresenceTracker tracker) =>
        tracker.ConnectedAsync(connected.UserId, connected.DeviceId);
}
