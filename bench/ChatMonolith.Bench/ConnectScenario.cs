using System.Diagnostics;
using System.Globalization;
using ChatMonolith.Protos.Identity.V1;
using Grpc.Core;

namespace ChatMonolith.Bench;

/// <summary>
/// A reconnect storm: every device, holding a valid token, opens its stream, waits for its hello to be answered
/// (caught up) and drops the connection, again and again. Then, separately, password logins.
/// </summary>
internal sealed class ConnectScenario(BenchOptions options, List<BenchDevice> devices, ProcessSampler? host)
{
    private readonly LatencyRecorder _connectLatency = new();
    private readonly LatencyRecorder _loginLatency = new();
    private long _reconnects;
    private long _logins;
    private long _failures;
    private volatile bool _recording;

    public async Task<ScenarioReport> RunAsync()
    {
        var (reconnectsPerSecond, reconnectCpu) = await MeasureAsync(devices.Select(ReconnectLoopAsync), () => Interlocked.Read(ref _reconnects));
        var loginWorkers = Math.Min(devices.Count, 32);
        var (loginsPerSecond, loginCpu) = await MeasureAsync(devices.Take(loginWorkers).Select(LoginLoopAsync), () => Interlocked.Read(ref _logins));
        var connect = _connectLatency.Summary();
        var login = _loginLatency.Summary();
        var figures = new { Devices = devices.Count, ReconnectsPerSecond = reconnectsPerSecond, ConnectLatency = connect, ReconnectCpuPercent = reconnectCpu,
            LoginWorkers = loginWorkers, LoginsPerSecond = loginsPerSecond, LoginLatency = login, LoginCpuPercent = loginCpu, Failures = _failures };
        return new ScenarioReport(
        [
            $"scenario connect: {devices.Count} devices with tokens reconnecting, {options.Duration.TotalSeconds:0} s measured; then {loginWorkers} workers logging in",
            string.Create(CultureInfo.InvariantCulture, $"reconnects/s (stream open to hello answered) {reconnectsPerSecond,8:F0}   latency ms p50 {connect.P50Ms:F2}  p95 {connect.P95Ms:F2}  p99 {connect.P99Ms:F2}  max {connect.MaxMs:F2}"),
            string.Create(CultureInfo.InvariantCulture, $"password logins/s                       {loginsPerSecond,8:F0}   latency ms p50 {login.P50Ms:F2}  p95 {login.P95Ms:F2}  p99 {login.P99Ms:F2}  max {login.MaxMs:F2}"),
            reconnectCpu is { } r ? string.Create(CultureInfo.InvariantCulture, $"host CPU {r:F0} % of one core while reconnecting, {loginCpu:F0} % while logging in") : "",
            $"failures {_failures}",
        ], figures, _failures == 0);
    }

    private async Task<(double PerSecond, double? CpuPercent)> MeasureAsync(IEnumerable<Func<CancellationToken, Task>> loops, Func<long> count)
    {
        using var stop = new CancellationTokenSource();
        var running = loops.Select(loop => loop(stop.Token)).ToList();
        await Task.Delay(options.Warmup);
        Console.Error.WriteLine($"measuring for {options.Duration.TotalSeconds:F0} s...");
        var before = (Count: count(), Cpu: host?.Sample().Cpu, Clock: Stopwatch.StartNew());
        _recording = true;
        await Task.Delay(options.Duration);
        _recording = false;
        var perSecond = (count() - before.Count) / before.Clock.Elapsed.TotalSeconds;
        var cpu = before.Cpu is { } c ? (host!.Sample().Cpu - c).TotalSeconds / before.Clock.Elapsed.TotalSeconds * 100 : (double?)null;
        await stop.CancelAsync();
        await Task.WhenAll(running);
        return (perSecond, cpu);
    }

    private Func<CancellationToken, Task> ReconnectLoopAsync(BenchDevice device) => async cancellationToken =>
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var stream = await BenchStream.OpenAsync(device, _ => { });
                await stream.CaughtUp;
                Record(_connectLatency, started);
                Interlocked.Increment(ref _reconnects);
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    };

    private Func<CancellationToken, Task> LoginLoopAsync(BenchDevice device) => async cancellationToken =>
    {
        var identity = new IdentityService.IdentityServiceClient(device.Channel);
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await identity.LoginAsync(new LoginRequest { Username = device.Username, Password = BenchDevice.Password, DeviceName = "bench login", Platform = Platform.Android },
                    cancellationToken: cancellationToken);
                Record(_loginLatency, started);
                Interlocked.Increment(ref _logins);
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
            }
            catch (RpcException)
            {
            }
        }
    };

    private void Record(LatencyRecorder recorder, long started)
    {
        if (_recording)
        {
            recorder.Record(started, Stopwatch.GetTimestamp());
        }
    }
}
