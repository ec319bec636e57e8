using HdrHistogram;

namespace ChatMonolith.Bench;

/// <summary>A thread-safe HdrHistogram of latencies in microseconds.</summary>
internal sealed class LatencyRecorder
{
    private readonly LongHistogram _histogram = new(TimeSpan.FromMinutes(5).Ticks / 10, 3);
    private readonly Lock _lock = new();

    public void Record(long startTimestamp, long endTimestamp)
    {
        var micros = (long)((endTimestamp - startTimestamp) * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency);
        lock (_lock)
        {
            _histogram.RecordValue(Math.Max(0, micros));
        }
    }

    public LatencySummary Summary()
    {
        lock (_lock)
        {
            return _histogram.TotalCount == 0
                ? new LatencySummary(0, 0, 0, 0, 0)
                : new LatencySummary(_histogram.TotalCount, Ms(_histogram.GetValueAtPercentile(50)), Ms(_histogram.GetValueAtPercentile(95)),
                    Ms(_histogram.GetValueAtPercentile(99)), Ms(_histogram.GetMaxValue()));
        }
    }

    private static double Ms(long micros) => micros / 1000.0;
}

internal sealed record LatencySummary(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs);
