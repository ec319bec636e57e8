using System.Diagnostics;
using System.Globalization;

namespace ChatMonolith.Bench;

/// <summary>
/// Who uses the machine's cores during a measurement: the whole machine (from /proc/stat's idle time), this load
/// generator, and the host. On one machine shared by host, PostgreSQL, Redis and the load generator, the machine's
/// total shows when the cores are full, and the rest (machine − host − load generator) is PostgreSQL, Redis and the
/// kernel's own work.
/// </summary>
internal static class MachineCpu
{
    /// <summary>
    /// Idle time of all cores (idle and iowait in /proc/stat), with when it was read, and this process's CPU. The
    /// machine's busy time is the cores' wall time less their idle time: this VM's user and system ticks go missing
    /// under many short wake-ups (more than half of them in a 4 s sample at 5,000 msg/s, where the processes' own
    /// CPU times and the idle time agreed), while its idle time is measured, not sampled by the tick.
    /// </summary>
    public static MachineSample Sample()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        using var self = Process.GetCurrentProcess();
        return new MachineSample(Stopwatch.GetTimestamp(), TimeSpan.FromSeconds((Field(4) + Field(5)) / ProcessSampler.TicksPerSecond), self.TotalProcessorTime);
    }
}

/// <summary>One reading of <see cref="MachineCpu.Sample"/>.</summary>
internal readonly record struct MachineSample(long Timestamp, TimeSpan Idle, TimeSpan Self);

/// <summary>CPU over a measurement, in % of one core; <see cref="Host"/> is null when the host is not watched.</summary>
internal sealed record CpuSplit(int Cores, double Machine, double LoadGenerator, double? Host)
{
    public static CpuSplit Between(MachineSample before, MachineSample after, double? host)
    {
        var wall = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp);
        var busy = (wall * Environment.ProcessorCount) - (after.Idle - before.Idle);
        return new(Environment.ProcessorCount,
            Math.Max(0, busy / wall * 100),
            (after.Self - before.Self) / wall * 100,
            host);
    }

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
