namespace ChatMonolith.Bench;

/// <summary>The command line: <c>direct --users 1000 --rate 5000 --duration 30 ...</c>.</summary>
internal sealed record BenchOptions(
    string Scenario,
    Uri Target,
    int Users,
    int Rate,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Connections,
    string? StartHost,
    int? HostPid,
    string? JsonPath,
    bool Acks,
    int GroupSize,
    int Online,
    int Groups,
    int Messages,
    int Runs,
    (int Start, int Step, int Max)? Sweep,
    int Hosts = 1,
    int? RedisPid = null)
{
    public static readonly string[] Scenarios = ["direct", "group", "connect", "idle", "catchup", "ticks", "push"];

    public const string Usage = """
        usage: bench direct|group|connect|idle|catchup|ticks|push [options]
          --target URL        the host's native gRPC endpoint (default http://127.0.0.1:5080)
          --users N           simulated users, in 1-on-1 pairs, one device each (default 1000)
          --rate N            offered messages per second in total; 0 = closed loop, each sender as fast as its acks come (default 0)
          --duration S        measured seconds (default 30)
          --warmup S          unmeasured seconds before (default 5)
          --connections N     share N HTTP/2 connections among all devices; 0 = one connection per device, as phones have (default 0)
          --start-host DLL    start this published ChatMonolith.Host.dll first (with scripts/services env) and stop it after
          --hosts N           with --start-host: start N hosts of one deployment (gRPC ports target, target+10, ...) and spread the
                              devices over them; direct: half the pairs cross hosts; group: members alternate (default 1)
          --redis-pid PID     also report Redis's own CPU from /proc
          --host-pid PID      read CPU and RSS of an already running host from /proc
          --json FILE         also write the results as JSON
          --acks 1            direct: receivers ack every message on their stream, as apps do for delivered ticks (default 0)
          --group-size G      group: members per group (default 100)
          --online N          group: members of each group online and sending (default 20)
          --groups N          group: how many groups (default 1)
          --messages M        catchup: messages the device missed (default 1000)
          --runs N            catchup: reconnects measured (default 3)
          --sweep A:S:M       direct: offered rates A, A+S, ... up to M, each for --duration; reports the highest rate with
                              p99 end-to-end < 500 ms and nothing lost ("sustained throughput"); stops at the first that fails
        push: --users offline recipients with FCM tokens, each with a sender of its own; the senders send at --rate
        (default 250) in turn; FCM is a fake in the bench (needs --start-host, which points the host at it).
        --users is the number of devices for direct, connect, idle and ticks (ticks: in pairs, A watching B; each round a
        send, an ack, a read, a typing start and a reconnect, with the latency of each event A sees).
        """;

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || !Scenarios.Contains(args[0]))
        {
            throw new ArgumentException("the scenario must be one of: " + string.Join(", ", Scenarios));
        }

        var values = new Dictionary<string, string>();
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --option value at '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        return new BenchOptions(
            args[0],
            new Uri(values.GetValueOrDefault("target", "http://127.0.0.1:5080")),
            Int("users", 1000),
            Int("rate", 0),
            TimeSpan.FromSeconds(Int("duration", 30)),
            TimeSpan.FromSeconds(Int("warmup", 5)),
            Int("connections", 0),
            values.GetValueOrDefault("start-host"),
            values.TryGetValue("host-pid", out var pid) ? int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture) : null,
            values.GetValueOrDefault("json"),
            Int("acks", 0) == 1,
            Int("group-size", 100),
            Int("online", 20),
            Int("groups", 1),
            Int("messages", 1000),
            Int("runs", 3),
            values.TryGetValue("sweep", out var sweep) ? ParseSweep(sweep) : null,
            Int("hosts", 1),
            values.TryGetValue("redis-pid", out var redisPid) ? int.Parse(redisPid, System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    private static (int, int, int) ParseSweep(string value)
    {
        var parts = value.Split(':').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return parts.Length == 3 && parts[0] > 0 && parts[1] > 0 && parts[2] >= parts[0]
            ? (parts[0], parts[1], parts[2])
            : throw new ArgumentException("--sweep wants START:STEP:MAX, e.g. 200:200:4000");
    }
}
