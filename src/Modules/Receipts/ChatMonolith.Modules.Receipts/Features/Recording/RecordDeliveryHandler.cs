using ChatMonolith.Modules.Receipts.Contracts;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>An ack Messaging has checked; returns when it is stored (within a coalescing window).</summary>
public static class RecordDeliveryHandler
{
    public static Task Handle(RecordDelivery acked, ReceiptBatcher batcher) =>
        acked.Seq > 0 ? batcher.Add(acked.ConversationId, acked.UserId, new PendingMark(acked.Seq, 0)) : Task.CompletedTask;
}
