using System.Diagnostics.Metrics;
using ChatMonolith.BuildingBlocks.Observability;

namespace ChatMonolith.Modules.Receipts;

/// <summary>Receipts' metrics (meter <c>ChatMonolith.Receipts</c>).</summary>
internal sealed class ReceiptsMetrics
{
    public const string MeterName = ChatMeters.Prefix + "Receipts";

    public ReceiptsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        Flushes = meter.CreateCounter<long>("chat.receipts.flushes", "{flush}", "Windows of coalesced receipts stored");
        MarksMoved = meter.CreateCounter<long>("chat.receipts.marks_moved", "{watermark}", "Watermarks that moved forward in those flushes");
    }

    public Counter<long> Flushes { get; }

    public Counter<long> MarksMoved { get; }
}
