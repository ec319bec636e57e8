using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Notifications.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatMonolith.Bench;

/// <summary>
/// <c>push</c>: <c>--users</c> recipients, each with an FCM token and no stream (offline), and as many senders, one
/// direct chat each; the senders send at <c>--rate</c> in turn (unary SendMessage). FCM is <see cref="FakeFcm"/>, on
/// loopback in this process. Reports the pushes per second that reach it, and the decision-to-provider latency: from
/// the moment a push falls due (the ack of the first message it carries plus the coalescing window) to its arrival at
/// the fake. Every message sent in the measured time must be in a push (its own, or a later one of its chat that
/// coalesced it), and no seq may be pushed twice.
/// </summary>
internal sealed class PushScenario(BenchOptions options, List<BenchDevice> senders, List<BenchDevice> recipients, FakeFcm fcm, ProcessSampler? host)
{
    /// <summary>The host's <c>Notifications:CoalesceWindow</c> in this scenario (<see cref="FakeFcm.HostSettings"/>).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<(string Conversation, long Seq), long> _ackedAt = new();
    private readonly LatencyRecorder _ackLatency = new();
    private long _sent;
    private long _failed;

    public static async Task<(List<BenchDevice> Senders, List<BenchDevice> Recipients)> SetUpAsync(BenchOptions options, Func<int, Grpc.Net.Client.GrpcChannel> channelFor)
    {
        var devices = await BenchDevice.SetUpAsync(options with { Users = options.Users * 2 }, channelFor);
        var (senders, recipients) = (devices.Where((_, i) => i % 2 == 0).ToList(), devices.Where((_, i) => i % 2 == 1).ToList());
        await Parallel.ForEachAsync(recipients, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (recipient, ct) =>
            await new NotificationsService.NotificationsServiceClient(recipient.Channel).SetPushTargetAsync(
                new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = "bench-" + recipient.UserId } }, recipient.Auth, cancellationToken: ct));
        return (senders, recipients);
    }

    public async Task<ScenarioReport> RunAsync()
    {
        var rate = options.Rate > 0 ? options.Rate : 250;
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        var measureFrom = options.Warmup;
        var measureUntil = options.Warmup + options.Duration;
        var hostBefore = host?.Sample();
        var machineBefore = MachineCpu.Sample();
        long measuredFromTimestamp = 0;
        var inFlight = new List<Task>();
        var next = 0;
        // Sends go on until the measured time ends; the pushes of the last ones are awaited after.
        for (long i = 0; clock.Elapsed < measureUntil; i++)
        {
            var dueAt = interval * i;
            if (dueAt > clock.Elapsed)
            {
                await Task.Delay(dueAt - clock.Elapsed);
            }

            var measured = clock.Elapsed >= measureFrom;
            if (measured && measuredFromTimestamp == 0)
            {
                measuredFromTimestamp = Stopwatch.GetTimestamp();
                fcm.MeasureFrom(measuredFromTimestamp);
            }

            var sender = senders[next];
            next = (next + 1) % senders.Count;
            inFlight.Add(SendAsync(sender, measured));
            if (inFlight.Count > 1000)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        var measuredTo = Stopwatch.GetTimestamp();
        var seconds = (measuredTo - measuredFromTimestamp) / (double)Stopwatch.Frequency;
        var hostAfter = host?.Sample();
        var machineAfter = MachineCpu.Sample();
        await Task.WhenAll(inFlight);
        // Every measured message must be in a push: one that names its seq or a later one of its chat (coalesced).
        var acks = _ackedAt.GroupBy(a => a.Key.Conversation)
            .ToDictionary(g => g.Key, g => g.Select(a => (a.Key.Seq, AckedAt: a.Value)).OrderBy(a => a.Seq).ToList());
        var expected = _ackedAt.Count;
        var pushes = await fcm.WaitForAsync(acks.ToDictionary(a => a.Key, a => a.Value[^1].Seq), TimeSpan.FromSeconds(30));
        // A push falls due a window after the ack of the first message it carries, the first after the previous push.
        var latency = new LatencyRecorder();
        var window = (long)(Window.TotalSeconds * Stopwatch.Frequency);
        var covered = 0;
        foreach (var (conversation, sent) in acks)
        {
            var pushed = 0L;
            foreach (var push in pushes.GetValueOrDefault(conversation, []).OrderBy(p => p.Arrival))
            {
                var first = sent.FirstOrDefault(m => m.Seq > pushed && m.Seq <= push.Seq);
                if (first.Seq > 0)
                {
                    latency.Record(first.AckedAt + window, push.Arrival);
                }

                pushed = Math.Max(pushed, push.Seq);
            }

            covered += sent.Count(m => m.Seq <= pushed);
        }

        var pushCount = fcm.ArrivalsBetween(measuredFromTimestamp, measuredTo);
        var pushesPerSecond = pushCount / seconds;
        var decision = latency.Summary();
        var ack = _ackLatency.Summary();
        double? hostCpu = hostBefore is { } b && hostAfter is { } a ? (a.Cpu - b.Cpu).TotalSeconds / seconds * 100 : null;
        var cpu = CpuSplit.Between(machineBefore, machineAfter, hostCpu);
        var correct = _failed == 0 && covered == expected && fcm.Refusals == 0 && fcm.Duplicates == 0;
        return new ScenarioReport(
        [
            $"scenario push: {recipients.Count} offline recipients with FCM tokens, {senders.Count} senders, offered {rate} msg/s, {seconds:F0} s measured",
            string.Create(CultureInfo.InvariantCulture, $"pushes/s at the fake FCM  {pushesPerSecond,8:F0}"),
            string.Create(CultureInfo.InvariantCulture, $"decision-to-provider ms   p50 {decision.P50Ms:F2}  p95 {decision.P95Ms:F2}  p99 {decision.P99Ms:F2}  max {decision.MaxMs:F2}  (from due: ack + {Window.TotalSeconds:F0} s window)"),
            string.Create(CultureInfo.InvariantCulture, $"sent-ack latency ms       p50 {ack.P50Ms:F2}  p99 {ack.P99Ms:F2}"),
            string.Create(CultureInfo.InvariantCulture, $"measured messages {expected}, in a push {covered} ({(double)expected / Math.Max(1, pushCount):F2} messages per push), in none within 30 s {expected - covered}, seq pushed twice {fcm.Duplicates}, failed sends {_failed}, refused by the fake {fcm.Refusals}"),
            cpu.ToString(),
        ], new { rate, seconds, pushesPerSecond, decision, ack, expected, covered, duplicates = fcm.Duplicates }, correct);
    }

    private async Task SendAsync(BenchDevice sender, bool measured)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var sent = await new ChatStreamService.ChatStreamServiceClient(sender.Channel).SendMessageAsync(
                new SendMessageRequest { ConversationId = sender.ConversationId, ClientMsgId = Guid.NewGuid().ToString(), Text = "bench push" }, sender.Auth);
            var now = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _sent);
            if (measured)
            {
                _ackLatency.Record(started, now);
                _ackedAt[(sent.Accepted.ConversationId, sent.Accepted.Seq)] = now;
            }
        }
        catch (Grpc.Core.RpcException e)
        {
            if (Interlocked.Increment(ref _failed) <= 5)
            {
                Console.Error.WriteLine($"a send failed: {e.Status}");
            }
        }
    }
}

/// <summary>
/// FCM HTTP v1 on loopback for the bench: an OAuth2 token endpoint (the service account's <c>token_uri</c>) and
/// <c>messages:send</c>, which notes when each push arrived. It checks nothing of the cryptography (the Notifications
/// tests' fake does); it is here to take pushes as fast as they come.
/// </summary>
internal sealed class FakeFcm : IAsyncDisposable
{
    private const string ProjectId = "bench";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<(string Conversation, long Seq), long> _arrivals = new();
    private readonly ConcurrentDictionary<string, long> _highestSeq = new();
    private readonly ConcurrentQueue<long> _arrivalTimes = new();
    private readonly string _serviceAccountFile = Path.Combine(Path.GetTempPath(), $"bench-fcm-{Guid.NewGuid():N}.json");
    private long _measureFrom = long.MaxValue;
    private int _duplicates;
    private int _refusals;

    private FakeFcm(WebApplication app) => _app = app;

    public int Duplicates => _duplicates;

    public int Refusals => _refusals;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The host's settings that send its pushes here, with the window <see cref="PushScenario"/> assumes.</summary>
    public IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string>
    {
        ["Notifications__Fcm__ServiceAccountFile"] = _serviceAccountFile,
        ["Notifications__Fcm__BaseUrl"] = BaseUrl.ToString(),
        ["Notifications__CoalesceWindow"] = PushScenario.Window.ToString(),
    };

    public static async Task<FakeFcm> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = new FakeFcm(builder.Build());
        fake._app.MapPost("/token", () => Results.Json(new { access_token = "bench-access-token", token_type = "Bearer", expires_in = 3600 }));
        fake._app.MapPost($"/v1/projects/{ProjectId}/messages:send", fake.SendAsync);
        await fake._app.StartAsync();
        fake.BaseUrl = new Uri(fake._app.Urls.First() + "/");
        using var key = RSA.Create(2048);
        await File.WriteAllTextAsync(fake._serviceAccountFile, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = ProjectId,
            ["private_key_id"] = "bench-key",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "bench@bench.iam.gserviceaccount.com",
            ["client_id"] = "1",
            ["token_uri"] = new Uri(fake.BaseUrl, "token").ToString(),
        }));
        return fake;
    }

    public void MeasureFrom(long timestamp) => Interlocked.Exchange(ref _measureFrom, timestamp);

    public long ArrivalsBetween(long from, long to) => _arrivalTimes.Count(t => t >= from && t < to);

    /// <summary>
    /// The pushes of each conversation (seq and arrival), once each has had one naming <paramref name="highestSeq"/>'s
    /// seq or later, or <paramref name="patience"/> has passed.
    /// </summary>
    public async Task<Dictionary<string, List<(long Seq, long Arrival)>>> WaitForAsync(IReadOnlyDictionary<string, long> highestSeq, TimeSpan patience)
    {
        var deadline = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (highestSeq.Any(h => _highestSeq.GetValueOrDefault(h.Key) < h.Value) && deadline.Elapsed < patience && await poll.WaitForNextTickAsync())
        {
        }

        return _arrivals.GroupBy(a => a.Key.Conversation).ToDictionary(g => g.Key, g => g.Select(a => (a.Key.Seq, Arrival: a.Value)).ToList());
    }

    private async Task<IResult> SendAsync(HttpRequest request)
    {
        var arrival = Stopwatch.GetTimestamp();
        using var body = await JsonDocument.ParseAsync(request.Body);
        if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
            || !body.RootElement.TryGetProperty("message", out var message) || !message.TryGetProperty("data", out var data))
        {
            Interlocked.Increment(ref _refusals);
            return Results.StatusCode((int)HttpStatusCode.BadRequest);
        }

        var key = (data.GetProperty("conversation_id").GetString()!, long.Parse(data.GetProperty("seq").GetString()!, CultureInfo.InvariantCulture));
        if (!_arrivals.TryAdd(key, arrival))
        {
            Interlocked.Increment(ref _duplicates);
        }

        _highestSeq.AddOrUpdate(key.Item1, key.Item2, (_, seq) => Math.Max(seq, key.Item2));

        if (arrival >= Interlocked.Read(ref _measureFrom))
        {
            _arrivalTimes.Enqueue(arrival);
        }

        return Results.Json(new { name = $"projects/{ProjectId}/messages/{Guid.NewGuid():N}" });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        File.Delete(_serviceAccountFile);
    }
}
