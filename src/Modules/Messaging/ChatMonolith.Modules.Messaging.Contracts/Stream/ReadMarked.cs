namespace ChatMonolith.Modules.Messaging.Contracts.Stream;

/// <summary>
/// A member has read the conversation up to <paramref name="Seq"/>. Messaging has checked the membership and the seq,
/// and moved its own read position (the unread counts). The handler answers when the receipt is stored.
/// </summary>
public sealed record ReadMarked(Guid ConversationId, Guid UserId, long Seq);
