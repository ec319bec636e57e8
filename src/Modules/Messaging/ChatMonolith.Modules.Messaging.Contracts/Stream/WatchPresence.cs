using ChatMonolith.BuildingBlocks.Security;

namespace ChatMonolith.Modules.Messaging.Contracts.Stream;

/// <summary>Replaces the calling device's presence watch list; answered with the watched users' current <see cref="PresenceChanged"/>s.</summary>
public sealed record WatchPresence(Caller Caller, IReadOnlyList<Guid> UserIds);

/// <summary>The current presence of each watched user.</summary>
public sealed record PresenceSnapshot(IReadOnlyList<PresenceChanged> Presences);
