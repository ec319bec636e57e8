using System.Diagnostics;
using System.Globalization;

namespace ChatMonolith.Bench;

/// <summary>
/// Who uses the machine's cores during a measurement: the whole machine (from /proc/stat), this load generator, and
/// the host. On one machine shared by host, PostgreSQL, Redis and the load generator, the machine's total shows when
/// the cores are full, and the rest (machine − host − load generator) is PostgreSQL, Redis and the kernel's own work.
/// </summary>
internal static class MachineCpu
{
    /// <summary>Busy CPU time of all cores (user, nice, system, irq, softirq; not idle, iowait or steal) and of this process.</summary>
    public static (TimeSpan Busy, TimeSpan Self) Sample()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7);
        using var self = Process.GetCurrentProcess();
        return (TimeSpan.FromSeconds(busy / ProcessSampler.TicksPerSecond), self.TotalProcessorTime);
    }
}

/// <summary>CPU over a measurement, in % of one core; <see cref="Host"/> is null when the host is not watched.</summary>
internal sealed record CpuSplit(int Cores, double Machine, double LoadGenerator, double? Host)
{
    public static CpuSplit Between((TimeSpan Busy, TimeSpan Self) before, (TimeSpan Busy, TimeSpan Self) after, double? host, TimeSpan elapsed) =>
        new(Environment.ProcessorCount,
            (after.Busy - before.Busy) / elapsed * 100,
            (after.Self - before.Self) / elapsed * 100,
            host);

    /// <summary>What is neither host nor load generator: PostgreSQL, Redis and the kernel's work for the others.</summary>
    public double? Rest => Host is { } host ? Math.Max(0, Machine - LoadGenerator - host) : null;

    public override string ToString()
    {
        var machine = string.Create(CultureInfo.InvariantCulture, $"machine CPU {Machine:F0} % of {Cores * 100} %: load generator {LoadGenerator:F0} %");
        return Host is { } host
            ? machine + string.Create(CultureInfo.InvariantCulture, $", host {host:F0} %, the rest (PostgreSQL, Redis, other) {Rest:F0} %")
            : machine;
    }
}
