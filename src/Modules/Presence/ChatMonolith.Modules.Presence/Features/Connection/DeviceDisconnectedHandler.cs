using ChatMonolith.Modules.Messaging.Contracts.Devices;

namespace ChatMonolith.Modules.Presence.Features.Connection;

public static class DeviceDisconnectedHandler
{
    public static Task Handle(DeviceDisconnected disconnected, PresenceTracker tracker) =>
        tracker.DisconnectedAsync(disconnected.UserId, disconnected.DeviceId, disconnected.Graceful);
}
