namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>
/// Integration event: a user became a member of a conversation (a group when <paramref name="IsGroup"/>); they may
/// read from <paramref name="JoinedSeq"/>. A later event of the same member has a higher seq.
/// </summary>
public sealed record MemberAdded(Guid ConversationId, Guid UserId, long JoinedSeq, bool IsGroup);
