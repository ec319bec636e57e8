using System.Diagnostics;
using System.Globalization;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;
using ChatMonolith.Protos.Presence.V1;

namespace ChatMonolith.Bench;

/// <summary>
/// N authenticated streams held open, each heartbeating every 15 s (the server's default interval): the host's
/// memory per open stream, and the CPU that idle connections cost.
/// </summary>
internal sealed class IdleScenario(BenchOptions options, List<BenchDevice> devices, ProcessSampler? host)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);
    private long _heartbeats;
    private long _rejected;

    public async Task<ScenarioReport> RunAsync()
    {
        GC.Collect();
        var before = host?.Sample();
        var opening = Stopwatch.StartNew();
        var streams = new BenchStream[devices.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, devices.Count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            streams[i] = await BenchStream.OpenAsync(devices[i], e => { if (e.Rejected is not null) Interlocked.Increment(ref _rejected); });
            await streams[i].CaughtUp;
        });
        var opened = opening.Elapsed;

        using var stop = new CancellationTokenSource();
        var heartbeating = streams.Select((s, i) => HeartbeatAsync(s, i, stop.Token)).ToList();
        await Task.Delay(options.Warmup);
        var steadyStart = host?.Sample();
        await Task.Delay(options.Duration);
        var steadyEnd = host?.Sample();
        await stop.CancelAsync();
        await Task.WhenAll(heartbeating);
        var dropped = streams.Count(s => s.Receiving.IsCompleted);
        foreach (var stream in streams)
        {
            stream.Dispose();
        }

        var perStream = before is { } b && steadyEnd is { } a ? (a.RssBytes - b.RssBytes) / (double)devices.Count : (double?)null;
        var cpu = steadyStart is { } s0 && steadyEnd is { } s1 ? (s1.Cpu - s0.Cpu).TotalSeconds / options.Duration.TotalSeconds * 100 : (double?)null;
        var figures = new
        {
            Streams = devices.Count, OpenSeconds = opened.TotalSeconds, HostRssBeforeBytes = before?.RssBytes, HostRssOpenBytes = steadyEnd?.RssBytes,
            BytesPerStream = perStream, HostCpuPercent = cpu, Heartbeats = _heartbeats, Rejected = _rejected, Dropped = dropped,
        };
        return new ScenarioReport(
        [
            $"scenario idle: {devices.Count} authenticated streams, heartbeating every {HeartbeatInterval.TotalSeconds:0} s, {options.Duration.TotalSeconds:0} s measured",
            string.Create(CultureInfo.InvariantCulture, $"opened (hello answered) in {opened.TotalSeconds:F1} s"),
            perStream is { } p
                ? string.Create(CultureInfo.InvariantCulture, $"host RSS {before!.Value.RssBytes / 1048576} MiB before, {steadyEnd!.Value.RssBytes / 1048576} MiB with all open: {p / 1024:F1} KiB per stream")
                : "host RSS: not measured (give --host-pid or --start-host)",
            cpu is { } c ? string.Create(CultureInfo.InvariantCulture, $"host CPU while idle {c:F1} % of one core") : "",
            $"heartbeats {_heartbeats}, refused {_rejected}, streams dropped {dropped}",
        ], figures, _rejected == 0 && dropped == 0);
    }

    private async Task HeartbeatAsync(BenchStream stream, int index, CancellationToken cancellationToken)
    {
        try
        {
            // Staggered, as real devices are.
            await Task.Delay(HeartbeatInterval * index / devices.Count, cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                await stream.WriteAsync(new ClientEvent { Heartbeat = new HeartbeatRequest() });
                Interlocked.Increment(ref _heartbeats);
                await Task.Delay(HeartbeatInterval, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // The run is over; a write that waited for the server was cancelled with it.
        }
    }
}
