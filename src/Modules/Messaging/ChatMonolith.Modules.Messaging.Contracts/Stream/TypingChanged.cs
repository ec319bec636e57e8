namespace ChatMonolith.Modules.Messaging.Contracts.Stream;

/// <summary>A member started or stopped typing; a start ends on its own at <paramref name="ExpiresAt"/>.</summary>
public sealed record TypingChanged(Guid ConversationId, Guid UserId, bool Typing, DateTimeOffset? ExpiresAt) : StreamUpdate;
