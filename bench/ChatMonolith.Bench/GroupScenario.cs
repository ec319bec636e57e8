using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;

namespace ChatMonolith.Bench;

/// <summary>
/// Groups of G members of whom a share is online; the online members send (closed loop, or --rate in total) and
/// every online member receives. Counts deliveries to other members' devices, end-to-end latency, and loss,
/// duplicates and reordering per receiving device.
/// </summary>
internal sealed class GroupScenario(BenchOptions options, List<(string GroupId, long LastSeq, List<BenchDevice> Online)> groups, ProcessSampler? host)
{
    private readonly LatencyRecorder _latency = new();
    private readonly ConcurrentDictionary<BenchStream, SemaphoreSlim> _inFlight = new();
    private readonly ConcurrentDictionary<string, byte> _streamsEnded = new();
    private long _acked;
    private long _delivered;
    private long _duplicates;
    private long _outOfOrder;
    private long _rejected;
    private volatile bool _recording;

    public async Task<ScenarioReport> RunAsync()
    {
        var streams = new List<(BenchStream Stream, BenchDevice Device, string GroupId)>();
        foreach (var (groupId, lastSeq, online) in groups)
        {
            foreach (var device in online)
            {
                var expected = new ConcurrentDictionary<string, long>();
                BenchStream? self = null;
                var stream = await BenchStream.OpenAsync(device, e => OnEvent(device, e, expected, self!),
                    new ConversationCursor { ConversationId = groupId, Seq = lastSeq });
                self = stream;
                _inFlight[stream] = new SemaphoreSlim(options.Rate > 0 ? 1_000 : 1);
                await stream.CaughtUp;
                streams.Add((stream, device, groupId));
            }
        }

        using var stop = new CancellationTokenSource();
        var sending = streams.Select((s, i) => SendLoopAsync(s.Stream, s.GroupId, i, streams.Count, stop.Token)).ToList();
        await Task.Delay(options.Warmup);
        var before = (Delivered: Interlocked.Read(ref _delivered), Acked: Interlocked.Read(ref _acked), Cpu: host?.Sample().Cpu, Clock: Stopwatch.StartNew());
        _recording = true;
        await Task.Delay(options.Duration);
        _recording = false;
        var seconds = before.Clock.Elapsed.TotalSeconds;
        var deliveriesPerSecond = (Interlocked.Read(ref _delivered) - before.Delivered) / seconds;
        var messagesPerSecond = (Interlocked.Read(ref _acked) - before.Acked) / seconds;
        var sample = host?.Sample();
        var cpu = before.Cpu is { } c ? (sample!.Value.Cpu - c).TotalSeconds / seconds * 100 : (double?)null;
        await stop.CancelAsync();
        await Task.WhenAll(sending);

        // Every acknowledged message must reach every other online member: wait for stragglers, then count the missing.
        var expectedDeliveries = Interlocked.Read(ref _acked) * (groups[0].Online.Count - 1);
        var drain = Stopwatch.StartNew();
        while (Interlocked.Read(ref _delivered) < expectedDeliveries && drain.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        var lost = Math.Max(0, expectedDeliveries - Interlocked.Read(ref _delivered));
        foreach (var stream in streams)
        {
            stream.Stream.Dispose();
        }

        var latency = _latency.Summary();
        var figures = new { Groups = groups.Count, options.GroupSize, Online = groups[0].Online.Count, options.Rate, MessagesPerSecond = messagesPerSecond,
            DeliveriesPerSecond = deliveriesPerSecond, EndToEnd = latency, Lost = lost, Duplicates = _duplicates, OutOfOrder = _outOfOrder, Rejected = _rejected,
            StreamsEnded = _streamsEnded.Keys.ToList(), HostCpuPercent = cpu, HostRssBytes = sample?.RssBytes };
        return new ScenarioReport(
        [
            $"scenario group: {groups.Count} group(s) of {options.GroupSize}, {groups[0].Online.Count} online, offered {(options.Rate == 0 ? "closed loop" : options.Rate + " msg/s")}, {seconds:F0} s measured",
            string.Create(CultureInfo.InvariantCulture, $"messages/s {messagesPerSecond,10:F0}   group deliveries/s {deliveriesPerSecond,10:F0}"),
            string.Create(CultureInfo.InvariantCulture, $"end-to-end latency ms  p50 {latency.P50Ms:F2}  p95 {latency.P95Ms:F2}  p99 {latency.P99Ms:F2}  max {latency.MaxMs:F2}"),
            $"acked {_acked}, rejected {_rejected}, lost {lost}, duplicates {_duplicates}, out of order {_outOfOrder}",
            _streamsEnded.IsEmpty ? "" : $"streams ended by the server: {string.Join("; ", _streamsEnded.Keys)}",
            cpu is { } p ? string.Create(CultureInfo.InvariantCulture, $"host CPU {p:F0} % of one core, RSS {sample!.Value.RssBytes / 1048576} MiB") : "",
        ], figures, lost == 0 && _duplicates == 0 && _outOfOrder == 0 && _rejected == 0 && _streamsEnded.IsEmpty);
    }

    private void OnEvent(BenchDevice device, ServerEvent serverEvent, ConcurrentDictionary<string, long> expected, BenchStream self)
    {
        var now = Stopwatch.GetTimestamp();
        switch (serverEvent.EventCase)
        {
            case ServerEvent.EventOneofCase.SendAccepted:
                Interlocked.Increment(ref _acked);
                _inFlight[self].Release();
                break;
            case ServerEvent.EventOneofCase.Rejected:
                Interlocked.Increment(ref _rejected);
                _inFlight[self].Release();
                break;
            case ServerEvent.EventOneofCase.Message:
                var message = serverEvent.Message;
                var next = expected.GetValueOrDefault(message.ConversationId, message.Seq);
                if (message.Seq < next)
                {
                    Interlocked.Increment(ref _duplicates);
                    return;
                }

                if (message.Seq > next)
                {
                    Interlocked.Increment(ref _outOfOrder);
                }

                expected[message.ConversationId] = message.Seq + 1;
                if (message.SenderId != device.UserId && message.Text.Length > 0)
                {
                    Interlocked.Increment(ref _delivered);
                    if (_recording)
                    {
                        _latency.Record(long.Parse(message.Text.AsSpan(0, message.Text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture), now);
                    }
                }

                break;
        }
    }

    private async Task SendLoopAsync(BenchStream stream, string groupId, int index, int senders, CancellationToken cancellationToken)
    {
        var interval = options.Rate > 0 ? Stopwatch.Frequency * senders / (double)options.Rate : 0;
        var due = Stopwatch.GetTimestamp() + (long)(interval * index / senders);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (interval > 0 && Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) is { } wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                await _inFlight[stream].WaitAsync(cancellationToken);
                var sentAt = interval > 0 ? due : Stopwatch.GetTimestamp();
                await stream.WriteAsync(new ClientEvent
                {
                    Send = new SendMessageRequest { ConversationId = groupId, ClientMsgId = Guid.NewGuid().ToString(), Text = sentAt.ToString(CultureInfo.InvariantCulture) + " hello group" },
                });
                due += (long)interval;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // The run is over; a write that waited for the server was cancelled with it.
        }
        catch (RpcException e)
        {
            // The server ended this device's stream (SLOW_CONSUMER: it fell too far behind): the run fails, and says why.
            _streamsEnded.TryAdd(e.Status.Detail, 0);
        }
    }
}
