namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>A watermark a flush moved: its new values, and the seqs it had before (0 for a first report).</summary>
internal sealed record MovedWatermark(
    Guid ConversationId,
    Guid UserId,
    long DeliveredSeq,
    DateTimeOffset? DeliveredAt,
    long ReadSeq,
    DateTimeOffset? ReadAt,
    long DeliveredBefore,
    long ReadBefore)
{
    public bool ReadMoved => ReadSeq > ReadBefore;

    public bool DeliveredMoved => DeliveredSeq > DeliveredBefore;
}
