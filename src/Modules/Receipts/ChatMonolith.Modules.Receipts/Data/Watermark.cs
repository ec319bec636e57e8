namespace ChatMonolith.Modules.Receipts.Data;

/// <summary>
/// One member's receipts in one conversation: they have every entry up to <see cref="DeliveredSeq"/> and have read
/// every entry up to <see cref="ReadSeq"/>. Both only move forward, and reading implies delivery. The marks and times
/// are the last few moves, so message info can tell when a watermark passed a message.
/// </summary>
internal sealed class Watermark
{
    public Guid ConversationId { get; init; }

    public Guid UserId { get; init; }

    public long DeliveredSeq { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public long ReadSeq { get; init; }

    public DateTimeOffset? ReadAt { get; init; }

    public long[] DeliveredMarks { get; init; } = [];

    public DateTimeOffset[] DeliveredTimes { get; init; } = [];

    public long[] ReadMarks { get; init; } = [];

    public DateTimeOffset[] ReadTimes { get; init; } = [];
}
