using ChatMonolith.BuildingBlocks.Security;

namespace ChatMonolith.Modules.Presence.Contracts;

/// <summary>A device says it is still here. Answered with <see cref="HeartbeatAccepted"/>; too frequent ones fail with RESOURCE_EXHAUSTED.</summary>
public sealed record DeviceHeartbeat(Caller Caller);

/// <summary>The heartbeat interval the server expects.</summary>
public sealed record HeartbeatAccepted(TimeSpan Interval);
