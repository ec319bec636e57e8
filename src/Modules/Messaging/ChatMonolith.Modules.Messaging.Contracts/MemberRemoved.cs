namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>Integration event: a user left or was removed; they may read up to <paramref name="RemovedSeq"/>, no further.</summary>
public sealed record MemberRemoved(Guid ConversationId, Guid UserId, long RemovedSeq);
