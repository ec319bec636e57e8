using System.Diagnostics;

namespace ChatMonolith.Bench;

/// <summary>A ChatMonolith host started by the bench for a one-command run, with the local services' settings.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public Uri Metrics { get; private init; } = null!;

    /// <summary>The sum of a counter's series on the host's /metrics (0 when it has none yet).</summary>
    public async Task<double> CounterAsync(string name)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(Metrics);
        return text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length > name.Length && (l[name.Length] == ' ' || l[name.Length] == '{')))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Host <paramref name="index"/> of a run: gRPC on the target's port + 10 × index, gRPC-Web on the next.</summary>
    public static Uri TargetOf(Uri target, int index) => new UriBuilder(target) { Port = target.Port + (10 * index) }.Uri;

    /// <summary>One signing key for every host of a run, as one deployment has: a token from one works on all.</summary>
    private static readonly string SigningKey = Environment.GetEnvironmentVariable("Identity__SigningKey")
        ?? Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static async Task<HostProcess> StartAsync(string dll, Uri target, IReadOnlyDictionary<string, string>? settings = null)
    {
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["Host__GrpcPort"] = target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Host__WebPort"] = (target.Port + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // Load far above the seed's 100 a minute per user; the limit still runs, a Redis lease per 10 sends.
        info.Environment["Messaging__SendsPerUser"] = "100000000";
        // Thousands of users registered and logged in from one address, each in many groups.
        info.Environment["Messaging__GroupCreationsPerUser"] = "100000000";
        info.Environment["Identity__RegistrationsPerAddress"] = "100000000";
        info.Environment["Identity__LoginAttemptsPerAddress"] = "100000000";
        // Beside its two ports, so that several hosts of a run each have one: the bench reads their counters after the run.
        info.Environment["Host__MetricsPort"] = (target.Port + 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The bench measures messaging; password hashing is paid once per device in the untimed setup.
        info.Environment["Identity__PasswordHashIterations"] = "10000";
        // Measured as operators run it: Production (no developer exception page, no DI scope validation on every
        // resolve), with a signing key of its own for the run.
        info.Environment["ASPNETCORE_ENVIRONMENT"] = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        info.Environment["Identity__SigningKey"] = SigningKey;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("host: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        var health = new UriBuilder(target) { Port = target.Port + 1, Path = "/healthz" }.Uri;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if ((await http.GetAsync(health)).IsSuccessStatusCode)
                {
                    return new HostProcess(process) { Metrics = new UriBuilder(target) { Port = target.Port + 2, Path = "/metrics" }.Uri };
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100); // polling a process that is starting: no event to await
        }

        process.Kill();
        throw new TimeoutException("the host did not become healthy within 60 s");
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
