namespace ChatMonolith.Modules.Receipts.Contracts;

/// <summary>
/// Request: a member's device has received the conversation up to <paramref name="Seq"/>. The sender of the request
/// (the stream) has checked the membership and clamped the seq to what the member may read. Answered when the receipt
/// is stored (within a coalescing window).
/// </summary>
public sealed record RecordDelivery(Guid ConversationId, Guid UserId, long Seq);
