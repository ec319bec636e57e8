using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Protos.Presence.V1;

namespace ChatMonolith.Modules.Presence.Contracts;

/// <summary>Replaces the calling device's presence watch list; answered with the watched users' current presence.</summary>
public sealed record WatchPresence(Caller Caller, IReadOnlyList<Guid> UserIds);

/// <summary>The current presence of each watched user, as the watcher may see it (also sent down the device's stream).</summary>
public sealed record PresenceSnapshot(IReadOnlyList<PresenceUpdate> Presences);
