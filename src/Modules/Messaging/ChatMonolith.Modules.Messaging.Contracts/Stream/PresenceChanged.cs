namespace ChatMonolith.Modules.Messaging.Contracts.Stream;

/// <summary>Whether a user is online, as the recipient may see it.</summary>
public sealed record PresenceChanged(Guid UserId, PresenceStatus Status, DateTimeOffset? LastSeenAt) : StreamUpdate;
