using ChatMonolith.Modules.Messaging.Contracts.Devices;

namespace ChatMonolith.Modules.Presence.Features.Connection;

public static class DeviceDisconnectedHandler
{
    /// <summary>A replaced stream changes nothing: its device is online through the newer one, which owns its watches.</summary>
    public static Task Handle(DeviceDisconnected disconnected, PresenceTracker tracker) =>
        disconnected.Replaced
            ? Task.CompletedTask
            : tracker.DisconnectedAsync(disconnected.UserId, disconnected.DeviceId, disconnected.Graceful);
}
