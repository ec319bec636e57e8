using ChatMonolith.Modules.Receipts.Contracts;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>A read Messaging has checked; returns when it is stored (within a coalescing window). Reading implies delivery.</summary>
public static class RecordReadHandler
{
    public static Task Handle(RecordRead read, ReceiptBatcher batcher) =>
        read.Seq > 0 ? batcher.Add(read.ConversationId, read.UserId, new PendingMark(read.Seq, read.Seq)) : Task.CompletedTask;
}
