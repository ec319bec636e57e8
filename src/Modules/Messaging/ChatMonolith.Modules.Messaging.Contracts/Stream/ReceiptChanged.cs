namespace ChatMonolith.Modules.Messaging.Contracts.Stream;

/// <summary>A member's receipt watermarks, and the recipient's aggregate ticks (see chat.receipts.v1.ReceiptUpdate).</summary>
public sealed record ReceiptChanged(
    Guid ConversationId,
    Guid UserId,
    long DeliveredSeq,
    DateTimeOffset? DeliveredAt,
    long ReadSeq,
    DateTimeOffset? ReadAt,
    long DeliveredToAllSeq,
    long ReadByAllSeq) : StreamUpdate;
