namespace ChatMonolith.Modules.Messaging.Contracts.Stream;

/// <summary>
/// A member's device has received the conversation up to <paramref name="Seq"/>. Messaging has checked the membership
/// and clamped the seq to what the member may read. The handler answers when the receipt is stored.
/// </summary>
public sealed record DeliveryAcked(Guid ConversationId, Guid UserId, long Seq);
