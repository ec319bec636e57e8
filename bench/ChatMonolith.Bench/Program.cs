using System.Text.Json;
using ChatMonolith.Bench;
using ChatMonolith.Protos.Messaging.V1;
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

// One after the other: the first migrates the database. Stopped however the run ends.
var startedHosts = new List<HostProcess>();
await using var stopHosts = new StopsHosts(startedHosts);
// push: FCM is a fake in this process, started before the host that is pointed at it.
await using var fcm = options.Scenario == "push" ? await FakeFcm.StartAsync() : null;
if (fcm is not null && options.StartHost is null)
{
    Console.Error.WriteLine("push needs --start-host: the host must be pointed at the bench's fake FCM");
    return 2;
}

if (options.StartHost is not null)
{
    for (var i = 0; i < options.Hosts; i++)
    {
        startedHosts.Add(await HostProcess.StartAsync(options.StartHost, HostProcess.TargetOf(options.Target, i), fcm?.HostSettings));
    }
}

IReadOnlyList<int> pids = startedHosts.Count > 0 ? [.. startedHosts.Select(h => h.Pid)] : options.HostPid is { } hostPid ? [hostPid] : [];
var sampler = pids.Count == 0 ? null : new ProcessSampler(pids);
var redisSampler = options.RedisPid is { } redisPid ? new ProcessSampler(redisPid) : null;
var redisBefore = redisSampler?.Sample();
var redisClock = System.Diagnostics.Stopwatch.StartNew();

// By default every device has its own HTTP/2 connection, as phones do; --connections shares a few (per host).
var hostCount = Math.Max(1, startedHosts.Count > 0 ? startedHosts.Count : 1);
var shared = Enumerable.Range(0, hostCount)
    .Select(h => Enumerable.Range(0, options.Connections).Select(_ => NewChannel(HostProcess.TargetOf(options.Target, h))).ToList())
    .ToList();
GrpcChannel ChannelFor(int device) => options.Connections > 0
    ? shared[HostOf(device)][device % options.Connections]
    : NewChannel(HostProcess.TargetOf(options.Target, HostOf(device)));

// direct: pair p has its first device on host p % N and its second on host (p / N) % N, so with two hosts half the
// pairs cross hosts; other scenarios alternate the devices.
int HostOf(int device) => options.Scenario == "direct"
    ? (device % 2 == 0 ? device / 2 : device / 2 / hostCount) % hostCount
    : device % hostCount;

Console.Error.WriteLine($"setting up '{options.Scenario}' (not timed)...");
var report = options.Scenario switch
{
    "direct" when options.Sweep is not null => await SweepRunner.RunAsync(options, await BenchDevice.SetUpAsync(options, ChannelFor), sampler),
    "direct" => DirectScenario.Report(await new DirectScenario(options, await BenchDevice.SetUpAsync(options, ChannelFor), sampler).RunAsync(), options),
    "idle" => await new IdleScenario(options, await BenchDevice.RegisterAsync(options.Target, options.Users, ChannelFor), sampler).RunAsync(),
    "connect" => await new ConnectScenario(options, await BenchDevice.RegisterAsync(options.Target, options.Users, ChannelFor), sampler).RunAsync(),
    "ticks" => await new TicksScenario(options, await BenchDevice.SetUpAsync(options, ChannelFor), sampler).RunAsync(),
    "push" => await RunPushAsync(),
    "catchup" => await new CatchUpScenario(options, await BenchDevice.SetUpAsync(options with { Users = 2 }, ChannelFor), sampler).RunAsync(),
    _ => await new GroupScenario(options, await SetUpGroupsAsync(), sampler).RunAsync(),
};

Console.WriteLine(string.Join(Environment.NewLine, report.Lines.Where(l => l.Length > 0)));
if (startedHosts.Count > 1)
{
    Console.WriteLine($"hosts {startedHosts.Count} (CPU and RSS above are their sum)");
}

if (startedHosts.Count > 0)
{
    // Over the whole run: entries streams read from the log rather than live (gaps they filled), and Redis traffic.
    double catchUp = 0, publishes = 0, arrivals = 0, forwarded = 0, fallbacks = 0;
    foreach (var started in startedHosts)
    {
        catchUp += await started.CounterAsync("chat_catchup_messages_total");
        publishes += await started.CounterAsync("chat_routing_publishes_total");
        arrivals += await started.CounterAsync("chat_routing_arrivals_total");
        forwarded += await started.CounterAsync("chat_sends_forwarded_total");
        fallbacks += await started.CounterAsync("chat_sends_forward_fallbacks_total");
    }

    Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"whole run: entries read from the log by streams {catchUp:F0}, routed publishes {publishes:F0}, arrivals from other hosts {arrivals:F0}"));
    Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"whole run: sends forwarded to their conversation's host {forwarded:F0}, written by their own host after all {fallbacks:F0}"));
}

if (redisSampler is not null)
{
    var redisCpu = (redisSampler.Sample().Cpu - redisBefore!.Value.Cpu) / redisClock.Elapsed;
    Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Redis CPU {redisCpu * 100:F0} % of one core over the whole run (setup included)"));
}


if (options.JsonPath is not null)
{
    await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(report.Figures, new JsonSerializerOptions { WriteIndented = true }));
}

if (!report.Correct)
{
    Console.Error.WriteLine("FAILED: messages were lost, doubled, reordered or refused, or streams failed.");
    return 1;
}

return 0;

async Task<ScenarioReport> RunPushAsync()
{
    var (senders, recipients) = await PushScenario.SetUpAsync(options, ChannelFor);
    return await new PushScenario(options, senders, recipients, fcm!, sampler).RunAsync();
}

async Task<List<(string GroupId, long LastSeq, List<BenchDevice> Online)>> SetUpGroupsAsync()
{
    var members = await BenchDevice.RegisterAsync(options.Target, options.Groups * options.GroupSize, ChannelFor);
    var conversations = new ConversationService.ConversationServiceClient(members[0].Channel);
    var groups = new List<(string, long, List<BenchDevice>)>();
    foreach (var group in members.Chunk(options.GroupSize))
    {
        var request = new CreateGroupRequest { Title = "bench group" };
        request.MemberIds.AddRange(group.Skip(1).Select(m => m.UserId));
        var created = (await conversations.CreateGroupAsync(request, group[0].Auth)).Conversation;
        groups.Add((created.ConversationId, created.LastSeq, [.. group.Take(options.Online)]));
    }

    return groups;
}

static GrpcChannel NewChannel(Uri target) => GrpcChannel.ForAddress(target, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, KeepAlivePingDelay = TimeSpan.FromSeconds(60) },
});

/// <summary>Stops the hosts the run started, however it ends.</summary>
internal sealed class StopsHosts(List<HostProcess> hosts) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
    }
}
