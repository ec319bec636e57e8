namespace ChatMonolith.BuildingBlocks.Observability;

/// <summary>
/// Every module names its own <see cref="System.Diagnostics.Metrics.Meter"/> <c>ChatMonolith.&lt;Module&gt;</c>, and its
/// traces' <see cref="System.Diagnostics.ActivitySource"/> the same; the host exports whatever starts with
/// <see cref="Prefix"/> (docs/adr/0019).
/// </summary>
public static class ChatMeters
{
    public const string Prefix = "ChatMonolith.";

    /// <summary>Buckets for a latency in milliseconds, from half a millisecond to ten seconds.</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
}
