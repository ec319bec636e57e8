namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>Integration event: a user became a member of a conversation; they may read from <paramref name="JoinedSeq"/>.</summary>
public sealed record MemberAdded(Guid ConversationId, Guid UserId, long JoinedSeq);
