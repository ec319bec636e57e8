namespace ChatMonolith.Client.Internal;

/// <summary>
/// Exponential backoff with full jitter: attempt n waits a random time up to min(max, initial × 2ⁿ), so that
/// thousands of devices cut off together do not come back together.
/// </summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private int _attempt;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30)));
        _attempt++;
        // Never quite zero: a server that refuses at once must not be hammered in a loop.
        return TimeSpan.FromMilliseconds(Math.Max(ceiling * Random.Shared.NextDouble(), Math.Min(10, ceiling)));
    }

    public void Reset() => _attempt = 0;
}
