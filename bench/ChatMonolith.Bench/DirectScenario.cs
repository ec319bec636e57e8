using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;

namespace ChatMonolith.Bench;

/// <summary>
/// Users in 1-on-1 pairs, both sides sending over their Connect streams. Measures send→ack and send→receive on the
/// same clock, counts what was lost, doubled or out of order (all must be 0), and the host's CPU and memory.
/// </summary>
internal sealed class DirectScenario(BenchOptions options, List<BenchDevice> devices, ProcessSampler? host)
{
    private readonly LatencyRecorder _ackLatency = new();
    private readonly LatencyRecorder _deliveryLatency = new();
    private readonly ConcurrentDictionary<string, long> _sentAt = new();
    private long _sent;
    private long _acked;
    private long _delivered;
    private long _duplicates;
    private long _outOfOrder;
    private long _rejected;
    private long _acksSent;
    private long _receiptEvents;
    private volatile bool _recording;

    public static ScenarioReport Report(DirectResult result, BenchOptions options) => new(
    [
        $"scenario direct: {result.Users} users in pairs, offered {(result.OfferedRate == 0 ? "closed loop" : result.OfferedRate + " msg/s")}, {result.Seconds:F0} s measured",
        $"delivered messages/s   {result.DeliveredPerSecond,10:F0}",
        $"acknowledged sends/s   {result.AckedPerSecond,10:F0}",
        $"sent-ack latency ms    p50 {result.SentAck.P50Ms:F2}  p95 {result.SentAck.P95Ms:F2}  p99 {result.SentAck.P99Ms:F2}  max {result.SentAck.MaxMs:F2}",
        $"end-to-end latency ms  p50 {result.EndToEnd.P50Ms:F2}  p95 {result.EndToEnd.P95Ms:F2}  p99 {result.EndToEnd.P99Ms:F2}  max {result.EndToEnd.MaxMs:F2}",
        $"sent {result.Sent}, acked {result.Acked}, rejected {result.Rejected}, lost {result.Lost}, duplicates {result.Duplicates}, out of order {result.OutOfOrder}",
        options.Acks
            ? string.Create(CultureInfo.InvariantCulture, $"delivery acks sent {result.AcksSent}, receipt events received {result.ReceiptEvents} ({(double)result.AcksSent / Math.Max(1, result.ReceiptEvents):F1} acks per event)")
            : "delivery acks: off (--acks 1 to send them)",
        result.HostCpuPercent is { } cpu
            ? string.Create(CultureInfo.InvariantCulture, $"host CPU {cpu:F0} % of one core, RSS {result.HostRssBytes / 1048576} MiB (peak {result.HostPeakRssBytes / 1048576} MiB)")
            : "host CPU and RSS: not measured (give --host-pid or --start-host)",
        result.Cpu.ToString(),
        string.Create(CultureInfo.InvariantCulture, $"CPU per delivered message: machine {result.MachineCpuMicrosPerMessage:F0} µs")
            + (result.HostCpuMicrosPerMessage is { } host ? string.Create(CultureInfo.InvariantCulture, $", host {host:F0} µs") : ""),
    ], result, result.Correct);

    public async Task<DirectResult> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        var streams = new List<(BenchDevice Device, AsyncDuplexStreamingCall<ClientEvent, ServerEvent> Call, Task Receiving)>();
        foreach (var device in devices)
        {
            var call = new ChatStreamService.ChatStreamServiceClient(device.Channel).Connect(device.Auth, cancellationToken: stop.Token);
            var caughtUp = new TaskCompletionSource();
            await call.RequestStream.WriteAsync(new ClientEvent { Hello = new Hello { Cursors = { new ConversationCursor { ConversationId = device.ConversationId, Seq = device.LastSeq } } } });
            _writeLocks[device.UserId] = new SemaphoreSlim(1);
            streams.Add((device, call, ReceiveAsync(device, call.ResponseStream, call.RequestStream, caughtUp)));
            await caughtUp.Task;
        }

        var sending = new CancellationTokenSource();
        var senders = streams.Select((s, i) => SendAsync(s.Device, s.Call.RequestStream, i, sending.Token)).ToList();
        await Task.Delay(options.Warmup);
        Console.Error.WriteLine($"measuring for {options.Duration.TotalSeconds:F0} s...");
        var cpuBefore = host?.Sample();
        var machineBefore = MachineCpu.Sample();
        var measured = Stopwatch.StartNew();
        var (ackedBefore, deliveredBefore) = (Interlocked.Read(ref _acked), Interlocked.Read(ref _delivered));
        _recording = true;
        await Task.Delay(options.Duration);
        _recording = false;
        var elapsed = measured.Elapsed;
        var (ackedAfter, deliveredAfter) = (Interlocked.Read(ref _acked), Interlocked.Read(ref _delivered));
        var cpuAfter = host?.Sample();
        var machineAfter = MachineCpu.Sample();
        await sending.CancelAsync();
        await Task.WhenAll(senders);

        // Everything acknowledged must arrive: wait for the stragglers, then whatever is missing is lost.
        var drain = Stopwatch.StartNew();
        while ((Interlocked.Read(ref _acked) < Interlocked.Read(ref _sent) - Interlocked.Read(ref _rejected)
                || Interlocked.Read(ref _delivered) < Interlocked.Read(ref _acked)) && drain.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        foreach (var stream in streams)
        {
            stream.Call.Dispose();
        }

        double? hostCpu = cpuBefore is { } b && cpuAfter is { } a ? (a.Cpu - b.Cpu).TotalSeconds / elapsed.TotalSeconds * 100 : null;
        return new DirectResult(
            options.Users, options.Rate, elapsed.TotalSeconds,
            (deliveredAfter - deliveredBefore) / elapsed.TotalSeconds,
            (ackedAfter - ackedBefore) / elapsed.TotalSeconds,
            _ackLatency.Summary(), _deliveryLatency.Summary(),
            Interlocked.Read(ref _sent), Interlocked.Read(ref _acked), Interlocked.Read(ref _rejected),
            Math.Max(0, Interlocked.Read(ref _acked) - Interlocked.Read(ref _delivered)), _duplicates, _outOfOrder,
            hostCpu, cpuAfter?.RssBytes, host?.PeakRssBytes,
            Interlocked.Read(ref _acksSent), Interlocked.Read(ref _receiptEvents),
            CpuSplit.Between(machineBefore, machineAfter, hostCpu));
    }

    private async Task SendAsync(BenchDevice device, IClientStreamWriter<ClientEvent> requests, int index, CancellationToken cancellationToken)
    {
        // Open loop: each device sends on its own schedule, and latency counts from when the send was due.
        var interval = options.Rate > 0 ? Stopwatch.Frequency * options.Users / (double)options.Rate : 0;
        var due = Stopwatch.GetTimestamp() + (long)(interval * index / options.Users);
        var inFlight = new SemaphoreSlim(options.Rate > 0 ? 1_000 : 1);
        _inFlight[device.UserId] = inFlight;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (interval > 0)
                {
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellationToken);
                    }
                }

                await inFlight.WaitAsync(cancellationToken);
                var sentAt = interval > 0 ? due : Stopwatch.GetTimestamp();
                var clientMsgId = Guid.NewGuid().ToString();
                _sentAt[clientMsgId] = sentAt;
                Interlocked.Increment(ref _sent);
                await WriteAsync(device, requests, new ClientEvent
                {
                    Send = new SendMessageRequest
                    {
                        ConversationId = device.ConversationId,
                        ClientMsgId = clientMsgId,
                        Text = sentAt.ToString(CultureInfo.InvariantCulture) + " hello, this is a typical short chat message",
                    },
                }, CancellationToken.None); // cancelling a write cancels the whole call, and the device would stop receiving

                due += (long)interval;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // The run is over; a write that waited for the server was cancelled with it.
        }
    }

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _inFlight = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _writeLocks = new();

    private async Task AckAsync(BenchDevice device, IClientStreamWriter<ClientEvent> requests, Message message)
    {
        await WriteAsync(device, requests, new ClientEvent { AckDelivered = new AckDeliveredRequest { ConversationId = message.ConversationId, Seq = message.Seq } }, CancellationToken.None);
        Interlocked.Increment(ref _acksSent);
    }

    // A client stream takes one write at a time: sends and acks of one device take turns.
    private async Task WriteAsync(BenchDevice device, IClientStreamWriter<ClientEvent> requests, ClientEvent clientEvent, CancellationToken cancellationToken)
    {
        var writeLock = _writeLocks[device.UserId];
        await writeLock.WaitAsync(cancellationToken);
        try
        {
            await requests.WriteAsync(clientEvent, cancellationToken);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task ReceiveAsync(BenchDevice device, IAsyncStreamReader<ServerEvent> events, IClientStreamWriter<ClientEvent> requests, TaskCompletionSource caughtUp)
    {
        // A later run (a sweep's next step) resumes where the previous one ended: nothing old is replayed.
        var expectedSeq = device.LastSeq + 1;
        try
        {
            while (await events.MoveNext(CancellationToken.None))
            {
                var now = Stopwatch.GetTimestamp();
                var serverEvent = events.Current;
                switch (serverEvent.EventCase)
                {
                    case ServerEvent.EventOneofCase.CaughtUp:
                        caughtUp.TrySetResult();
                        break;
                    case ServerEvent.EventOneofCase.SendAccepted:
                        Interlocked.Increment(ref _acked);
                        // Forgotten once answered: a map that only grows kept every send of the run alive, and the
                        // load generator's own collections paused it for ~100 ms, which counted as server latency.
                        if (_sentAt.TryRemove(serverEvent.SendAccepted.ClientMsgId, out var sentAt) && _recording)
                        {
                            _ackLatency.Record(sentAt, now);
                        }

                        _inFlight[device.UserId].Release();
                        break;
                    case ServerEvent.EventOneofCase.Rejected:
                        Interlocked.Increment(ref _rejected);
                        _inFlight[device.UserId].Release();
                        break;
                    case ServerEvent.EventOneofCase.Message:
                        var message = serverEvent.Message;
                        if (message.Seq < expectedSeq)
                        {
                            Interlocked.Increment(ref _duplicates);
                            break;
                        }

                        if (message.Seq > expectedSeq)
                        {
                            Interlocked.Increment(ref _outOfOrder);
                        }

                        expectedSeq = message.Seq + 1;
                        device.LastSeq = message.Seq;
                        if (message.SenderId != device.UserId)
                        {
                            Interlocked.Increment(ref _delivered);
                            var stamp = message.Text.AsSpan(0, message.Text.IndexOf(' ', StringComparison.Ordinal));
                            if (_recording)
                            {
                                _deliveryLatency.Record(long.Parse(stamp, CultureInfo.InvariantCulture), now);
                            }

                            if (options.Acks)
                            {
                                await AckAsync(device, requests, message);
                            }
                        }

                        break;
                    case ServerEvent.EventOneofCase.Receipt when serverEvent.Receipt.UserId != device.UserId:
                        Interlocked.Increment(ref _receiptEvents);
                        break;
                }
            }
        }
        catch (Exception e) when (e is RpcException { StatusCode: StatusCode.Cancelled } or OperationCanceledException or InvalidOperationException)
        {
            // The run is over: the call was cancelled, or an ack raced the stream's end.
        }
        catch (RpcException e)
        {
            Console.Error.WriteLine($"stream of {device.UserId} ended: {e.Status}");
            caughtUp.TrySetException(e);
        }
    }
}
