using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;

namespace ChatMonolith.Bench;

/// <summary>
/// How fast ticks, typing and presence reach the other side of a 1-on-1 chat. In each pair A watches B; every round,
/// A sends, B acks and then reads it (A waits for each receipt), B starts typing (A waits for it), and B's stream says
/// goodbye and connects again (A waits for offline, then online). Each latency is measured from B's request to A's
/// event, on one clock; receipts include the coalescing window (<c>Receipts:CoalescingWindow</c>, 100 ms by default).
/// Each round signals typing twice, so a host run for it needs a typing rate above the default 20 per 10 s
/// (<c>Presence__TypingSignalsPerWindow</c>).
/// </summary>
internal sealed class TicksScenario(BenchOptions options, List<BenchDevice> devices, ProcessSampler? host)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    private readonly LatencyRecorder _delivered = new();
    private readonly LatencyRecorder _read = new();
    private readonly LatencyRecorder _typing = new();
    private readonly LatencyRecorder _offline = new();
    private readonly LatencyRecorder _online = new();
    private long _rounds;
    private long _timeouts;

    public async Task<ScenarioReport> RunAsync()
    {
        var pairs = devices.Chunk(2).Where(p => p.Length == 2).Select(p => (A: p[0], B: p[1])).ToList();
        using var stop = new CancellationTokenSource();
        var measuring = false;
        var cpuBefore = TimeSpan.Zero;
        var clock = new Stopwatch();
        var running = pairs.Select(p => RunPairAsync(p.A, p.B, () => measuring, stop.Token)).ToList();
        await Task.Delay(options.Warmup);
        (measuring, cpuBefore) = (true, host?.Sample().Cpu ?? TimeSpan.Zero);
        clock.Start();
        await Task.Delay(options.Duration);
        measuring = false;
        var cpu = host is null ? (double?)null : (host.Sample().Cpu - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds * 100;
        await stop.CancelAsync();
        await Task.WhenAll(running);

        var rows = new (string Name, LatencySummary Summary)[]
        {
            ("ack -> delivered receipt", _delivered.Summary()),
            ("read -> read receipt", _read.Summary()),
            ("typing start -> typing", _typing.Summary()),
            ("goodbye -> offline", _offline.Summary()),
            ("connect -> online", _online.Summary()),
        };
        var figures = new
        {
            Pairs = pairs.Count,
            Rounds = Interlocked.Read(ref _rounds),
            Timeouts = Interlocked.Read(ref _timeouts),
            HostCpuPercent = cpu,
            Latencies = rows.ToDictionary(r => r.Name, r => r.Summary),
        };
        var lines = new List<string>
        {
            $"scenario ticks: {pairs.Count} pairs, each round a send, an ack, a read, a typing start and a reconnect; {figures.Rounds} rounds measured",
            "latency (ms)                     count      p50      p95      p99      max",
        };
        lines.AddRange(rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{r.Name,-30} {r.Summary.Count,7} {r.Summary.P50Ms,8:F1} {r.Summary.P95Ms,8:F1} {r.Summary.P99Ms,8:F1} {r.Summary.MaxMs,8:F1}")));
        lines.Add(cpu is { } p ? string.Create(CultureInfo.InvariantCulture, $"host CPU {p:F0} % of one core") : "");
        lines.Add($"events that did not come within {EventTimeout.TotalSeconds:0} s: {figures.Timeouts}");
        return new ScenarioReport(lines, figures, figures.Timeouts == 0);
    }

    private async Task RunPairAsync(BenchDevice a, BenchDevice b, Func<bool> measuring, CancellationToken stop)
    {
        var atA = Channel.CreateUnbounded<(ServerEvent Event, long At)>();
        var atB = Channel.CreateUnbounded<ServerEvent>();
        var cursor = new ConversationCursor { ConversationId = a.ConversationId, Seq = a.LastSeq };
        using var streamA = await BenchStream.OpenAsync(a, e => atA.Writer.TryWrite((e, Stopwatch.GetTimestamp())), cursor);
        var streamB = await BenchStream.OpenAsync(b, e => atB.Writer.TryWrite(e), cursor);
        await Task.WhenAll(streamA.CaughtUp, streamB.CaughtUp);
        await streamA.WriteAsync(new ClientEvent { WatchPresence = new WatchPresenceRequest { UserIds = { b.UserId } } });
        await NextAsync(atA.Reader, e => e.Presence?.UserId == b.UserId);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var counted = measuring();
                await streamA.WriteAsync(new ClientEvent { Send = new SendMessageRequest { ConversationId = a.ConversationId, ClientMsgId = Guid.NewGuid().ToString(), Text = "tick?" } });
                var seq = (await NextAsync(atB.Reader, e => e.Message is { } m && m.SenderId == a.UserId)).Message.Seq;

                var asked = Stopwatch.GetTimestamp();
                await streamB.WriteAsync(new ClientEvent { AckDelivered = new AckDeliveredRequest { ConversationId = a.ConversationId, Seq = seq } });
                Record(counted, _delivered, asked, await NextAsync(atA.Reader, e => e.Receipt is { } r && r.UserId == b.UserId && r.DeliveredSeq >= seq));

                asked = Stopwatch.GetTimestamp();
                await streamB.WriteAsync(new ClientEvent { MarkRead = new MarkReadRequest { ConversationId = a.ConversationId, Seq = seq } });
                Record(counted, _read, asked, await NextAsync(atA.Reader, e => e.Receipt is { } r && r.UserId == b.UserId && r.ReadSeq >= seq));

                asked = Stopwatch.GetTimestamp();
                await streamB.WriteAsync(new ClientEvent { Typing = new SetTypingRequest { ConversationId = a.ConversationId, Typing = true } });
                Record(counted, _typing, asked, await NextAsync(atA.Reader, e => e.Typing is { Typing: true } t && t.UserId == b.UserId));
                // A start while one is still running is only a refresh, which tells nobody: the next round's must be new.
                await streamB.WriteAsync(new ClientEvent { Typing = new SetTypingRequest { ConversationId = a.ConversationId, Typing = false } });
                await NextAsync(atA.Reader, e => e.Typing is { Typing: false } t && t.UserId == b.UserId);

                asked = Stopwatch.GetTimestamp();
                await streamB.GoodbyeAsync();
                Record(counted, _offline, asked, await NextAsync(atA.Reader, e => e.Presence is { State: PresenceState.Offline } p && p.UserId == b.UserId));
                streamB.Dispose();

                asked = Stopwatch.GetTimestamp();
                streamB = await BenchStream.OpenAsync(b, e => atB.Writer.TryWrite(e), new ConversationCursor { ConversationId = a.ConversationId, Seq = seq });
                Record(counted, _online, asked, await NextAsync(atA.Reader, e => e.Presence is { State: PresenceState.Online } p && p.UserId == b.UserId));
                await streamB.CaughtUp;
                if (counted)
                {
                    Interlocked.Increment(ref _rounds);
                }
            }
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _timeouts);
        }
        finally
        {
            streamB.Dispose();
        }
    }

    private static void Record(bool counted, LatencyRecorder recorder, long asked, (ServerEvent Event, long At) seen)
    {
        if (counted)
        {
            recorder.Record(asked, seen.At);
        }
    }

    private static async Task<T> NextAsync<T>(ChannelReader<T> reader, Func<T, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(EventTimeout);
        try
        {
            while (true)
            {
                var item = await reader.ReadAsync(timeout.Token);
                if (wanted(item))
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException();
        }
    }

    private static async Task<(ServerEvent Event, long At)> NextAsync(ChannelReader<(ServerEvent Event, long At)> reader, Func<ServerEvent, bool> wanted) =>
        await NextAsync<(ServerEvent Event, long At)>(reader, item => wanted(item.Event));
}
