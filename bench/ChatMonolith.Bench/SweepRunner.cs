using System.Globalization;

namespace ChatMonolith.Bench;

/// <summary>
/// Steps the offered rate of <c>direct</c> up and finds the highest one the server sustains for a whole step with p99
/// end-to-end latency under the seed's budget (500 ms) and nothing lost, doubled or reordered.
/// </summary>
internal static class SweepRunner
{
    public const double BudgetMs = 500;

    public static async Task<ScenarioReport> RunAsync(BenchOptions options, List<BenchDevice> devices, ProcessSampler? host)
    {
        var (start, step, max) = options.Sweep!.Value;
        var steps = new List<DirectResult>();
        var lines = new List<string> { $"sweep direct: {options.Users} users, each step {options.Duration.TotalSeconds:0} s after {options.Warmup.TotalSeconds:0} s warm-up, budget p99 end-to-end < {BudgetMs:0} ms" };
        var sustained = 0;
        for (var rate = start; rate <= max; rate += step)
        {
            var result = await new DirectScenario(options with { Rate = rate }, devices, host).RunAsync();
            steps.Add(result);
            var kept = result.Correct && result.EndToEnd.P99Ms < BudgetMs && result.DeliveredPerSecond >= rate * 0.95;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"offered {rate,6} msg/s: delivered {result.DeliveredPerSecond,7:F0}/s, e2e p50 {result.EndToEnd.P50Ms,8:F1} ms p99 {result.EndToEnd.P99Ms,8:F1} ms, lost {result.Lost}, host CPU {result.HostCpuPercent ?? 0:F0} %, machine {result.Cpu.Machine:F0} % -> {(kept ? "sustained" : "not sustained")}");
            lines.Add(line);
            Console.Error.WriteLine(line);
            if (!kept)
            {
                break;
            }

            sustained = rate;
        }

        lines.Add($"sustained throughput: {sustained} msg/s");
        var half = steps.LastOrDefault(s => s.OfferedRate <= sustained / 2);
        if (half is not null)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"at {half.OfferedRate} msg/s (about half of it): e2e p99 {half.EndToEnd.P99Ms:F1} ms"));
        }

        return new ScenarioReport(lines, new { SustainedPerSecond = sustained, Steps = steps }, steps.All(s => s.Lost == 0 && s.Duplicates == 0 && s.OutOfOrder == 0));
    }
}
