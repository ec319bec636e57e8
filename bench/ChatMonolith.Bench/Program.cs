using System.Globalization;
using System.Text.Json;
using ChatMonolith.Bench;
using Grpc.Net.Client;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

await using var startedHost = options.StartHost is null ? null : await HostProcess.StartAsync(options.StartHost, options.Target);
var pid = startedHost?.Pid ?? options.HostPid;
var sampler = pid is null ? null : new ProcessSampler(pid.Value);

// By default every device has its own HTTP/2 connection, as phones do; --connections shares a few.
var shared = Enumerable.Range(0, options.Connections).Select(_ => NewChannel(options.Target)).ToList();
GrpcChannel ChannelFor(int device) => shared.Count > 0 ? shared[device % shared.Count] : NewChannel(options.Target);

Console.Error.WriteLine($"setting up {options.Users} users (not timed)...");
var devices = await BenchDevice.SetUpAsync(options, ChannelFor);
Console.Error.WriteLine($"running 'direct' for {options.Warmup.TotalSeconds} s warm-up + {options.Duration.TotalSeconds} s...");
var result = await new DirectScenario(options, devices, sampler).RunAsync();

var table = string.Join(Environment.NewLine,
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
        : "host CPU and RSS: not measured (give --host-pid or --start-host)");
Console.WriteLine(table);
if (options.JsonPath is not null)
{
    await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
}

if (!result.Correct)
{
    Console.Error.WriteLine("FAILED: messages were lost, doubled, reordered or refused.");
    return 1;
}

return 0;

static GrpcChannel NewChannel(Uri target) => GrpcChannel.ForAddress(target, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, KeepAlivePingDelay = TimeSpan.FromSeconds(60) },
});
