using ChatMonolith.Modules.Messaging.Contracts.Stream;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>A read Messaging has checked; returns when it is stored (within a coalescing window). Reading implies delivery.</summary>
public static class ReadMarkedHandler
{
    public static Task Handle(ReadMarked read, ReceiptBatcher batcher) =>
        read.Seq > 0 ? batcher.Add(read.ConversationId, read.UserId, new PendingMark(read.Seq, read.Seq)) : Task.CompletedTask;
}
