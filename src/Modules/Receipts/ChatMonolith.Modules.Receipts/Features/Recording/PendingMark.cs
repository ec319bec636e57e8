namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>The highest delivered and read seqs reported for one member of one conversation within a window.</summary>
internal readonly record struct PendingMark(long DeliveredSeq, long ReadSeq)
{
    public PendingMark Merge(PendingMark other) =>
        new(Math.Max(DeliveredSeq, other.DeliveredSeq), Math.Max(ReadSeq, other.ReadSeq));
}
