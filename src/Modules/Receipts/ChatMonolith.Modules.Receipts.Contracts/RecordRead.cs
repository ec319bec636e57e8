namespace ChatMonolith.Modules.Receipts.Contracts;

/// <summary>
/// Request: a member has read the conversation up to <paramref name="Seq"/>. The sender of the request (Messaging) has
/// checked the membership and the seq, and moved its own read position (the unread counts). Answered when the receipt
/// is stored (within a coalescing window). Reading implies delivery.
/// </summary>
public sealed record RecordRead(Guid ConversationId, Guid UserId, long Seq);
