using System.Globalization;

namespace ChatMonolith.Bench;

/// <summary>CPU time and resident memory of the host processes (summed over them), read from /proc.</summary>
internal sealed class ProcessSampler(IReadOnlyList<int> pids)
{
    public ProcessSampler(int pid)
        : this([pid])
    {
    }

    /// <summary>USER_HZ on Linux: the unit of CPU times in /proc.</summary>
    public const double TicksPerSecond = 100;

    public long PeakRssBytes { get; private set; }

    public (TimeSpan Cpu, long RssBytes) Sample()
    {
        var (cpu, rss) = (TimeSpan.Zero, 0L);
        foreach (var pid in pids)
        {
            var (c, r) = Sample(pid);
            (cpu, rss) = (cpu + c, rss + r);
        }

        PeakRssBytes = Math.Max(PeakRssBytes, rss);
        return (cpu, rss);
    }

    private static (TimeSpan Cpu, long RssBytes) Sample(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var rssLine = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var rss = long.Parse(rssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return (TimeSpan.FromSeconds(ticks / TicksPerSecond), rss);
    }
}
