using ChatMonolith.Modules.Presence.Contracts;
using ChatMonolith.Modules.Presence.Features.Connection;

namespace ChatMonolith.Modules.Presence.Features.Heartbeat;

/// <summary>Refreshes the device's key (one Redis round trip, no write beyond the TTL when nothing changed).</summary>
public static class DeviceHeartbeatHandler
{
    public static Task<HeartbeatAccepted> Handle(DeviceHeartbeat heartbeat, PresenceTracker tracker) => tracker.HeartbeatAsync(heartbeat.Caller);
}
