using System.Diagnostics;
using System.Globalization;
using ChatMonolith.Protos.Messaging.V1;

namespace ChatMonolith.Bench;

/// <summary>
/// A device that was offline for M messages reconnects: how long until it has them all, in order, and is caught up.
/// The M messages are sent in the untimed setup; the measured part is the reconnect.
/// </summary>
internal sealed class CatchUpScenario(BenchOptions options, List<BenchDevice> pair, ProcessSampler? host)
{
    public async Task<ScenarioReport> RunAsync()
    {
        var (sender, receiver) = (pair[0], pair[1]);
        var streams = new ChatStreamService.ChatStreamServiceClient(sender.Channel);
        for (var i = 0; i < options.Messages; i++)
        {
            await streams.SendMessageAsync(new SendMessageRequest { ConversationId = sender.ConversationId, ClientMsgId = Guid.NewGuid().ToString(), Text = $"missed {i}" }, sender.Auth);
        }

        var runs = new List<(double Seconds, long Received, long OutOfOrder)>();
        var cpuBefore = host?.Sample().Cpu;
        for (var run = 0; run < Math.Max(1, options.Runs); run++)
        {
            runs.Add(await ReconnectAsync(receiver));
        }

        var cpu = cpuBefore is { } c ? (host!.Sample().Cpu - c).TotalSeconds / runs.Sum(r => r.Seconds) * 100 : (double?)null;
        var median = runs.Select(r => r.Seconds).Order().ElementAt(runs.Count / 2);
        var wrong = runs.Count(r => r.Received != options.Messages || r.OutOfOrder != 0);
        var figures = new { options.Messages, Runs = runs.Select(r => new { r.Seconds, r.Received, r.OutOfOrder }), MedianSeconds = median, MessagesPerSecond = options.Messages / median, HostCpuPercent = cpu };
        return new ScenarioReport(
        [
            $"scenario catchup: a device offline for {options.Messages} messages reconnects ({runs.Count} runs)",
            string.Create(CultureInfo.InvariantCulture, $"reconnect to caught up, median {median * 1000:F0} ms ({options.Messages / median:F0} messages/s); runs: {string.Join(", ", runs.Select(r => $"{r.Seconds * 1000:F0} ms"))}"),
            cpu is { } p ? string.Create(CultureInfo.InvariantCulture, $"host CPU {p:F0} % of one core during the catch-ups") : "",
            $"runs with a message missing, doubled or out of order: {wrong}",
        ], figures, wrong == 0);
    }

    private static async Task<(double Seconds, long Received, long OutOfOrder)> ReconnectAsync(BenchDevice receiver)
    {
        long received = 0, outOfOrder = 0, expected = 2;
        var clock = Stopwatch.StartNew();
        using var stream = await BenchStream.OpenAsync(receiver, e =>
        {
            if (e.Message is { } m && m.SenderId != receiver.UserId)
            {
                outOfOrder += m.Seq == expected ? 0 : 1;
                expected = m.Seq + 1;
                received++;
            }
        }, new ConversationCursor { ConversationId = receiver.ConversationId, Seq = 1 });
        await stream.CaughtUp;
        return (clock.Elapsed.TotalSeconds, received, outOfOrder);
    }
}
