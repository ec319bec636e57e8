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

await using var startedHost = options.StartHost is null ? null : await HostProcess.StartAsync(options.StartHost, options.Target);
var pid = startedHost?.Pid ?? options.HostPid;
var sampler = pid is null ? null : new ProcessSampler(pid.Value);

// By default every device has its own HTTP/2 connection, as phones do; --connections shares a few.
var shared = Enumerable.Range(0, options.Connections).Select(_ => NewChannel(options.Target)).ToList();
GrpcChannel ChannelFor(int device) => shared.Count > 0 ? shared[device % shared.Count] : NewChannel(options.Target);

Console.Error.WriteLine($"setting up '{options.Scenario}' (not timed)...");
var report = options.Scenario switch
{
    "direct" when options.Sweep is not null => await SweepRunner.RunAsync(options, await BenchDevice.SetUpAsync(options, ChannelFor), sampler),
    "direct" => DirectScenario.Report(await new DirectScenario(options, await BenchDevice.SetUpAsync(options, ChannelFor), sampler).RunAsync(), options),
    "idle" => await new IdleScenario(options, await BenchDevice.RegisterAsync(options.Target, options.Users, ChannelFor), sampler).RunAsync(),
    "connect" => await new ConnectScenario(options, await BenchDevice.RegisterAsync(options.Target, options.Users, ChannelFor), sampler).RunAsync(),
    "ticks" => await new TicksScenario(options, await BenchDevice.SetUpAsync(options, ChannelFor), sampler).RunAsync(),
    "catchup" => await new CatchUpScenario(options, await BenchDevice.SetUpAsync(options with { Users = 2 }, ChannelFor), sampler).RunAsync(),
    _ => await new GroupScenario(options, await SetUpGroupsAsync(), sampler).RunAsync(),
};

Console.WriteLine(string.Join(Environment.NewLine, report.Lines.Where(l => l.Length > 0)));
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
