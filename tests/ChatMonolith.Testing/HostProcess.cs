using System.Diagnostics;
using System.Net;
using System.Text;
using Grpc.Net.Client;

namespace ChatMonolith.Testing;

/// <summary>
/// A real host in a process of its own (the built <c>ChatMonolith.Host.dll</c>), on loopback ports of its own, so a
/// test can run several against one PostgreSQL and one Redis, and kill one (SIGKILL) or drain it (SIGTERM).
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, int grpcPort, int webPort, int metricsPort)
    {
        _process = process;
        GrpcPort = grpcPort;
        WebPort = webPort;
        MetricsPort = metricsPort;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int GrpcPort { get; }

    public int WebPort { get; }

    /// <summary>The host's Prometheus scrape endpoint (<c>/metrics</c>).</summary>
    public int MetricsPort { get; }

    /// <summary>The HTTP/2 channel a native app would use.</summary>
    public GrpcChannel Channel { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the host wrote to its console, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a host with <paramref name="settings"/> (configuration keys, <c>Section:Key</c>) and waits until /healthz answers.</summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var grpcPort = TcpProxy.FreePort();
        var webPort = TcpProxy.FreePort();
        var metricsPort = TcpProxy.FreePort();
        var start = new ProcessStartInfo("dotnet", [HostAssembly()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(HostAssembly())!,
        };
        var environment = new Dictionary<string, string>
        {
            ["Host:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Host:WebPort"] = webPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Host:MetricsPort"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Identity:SigningKey"] = ChatHostFixture.SigningKey,
            ["Identity:PasswordHashIterations"] = "10000",
            ["Wolverine:CodeGeneration"] = "Static",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
        };
        foreach (var (key, value) in TestLimits.Raised.Concat(settings))
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var host = new HostProcess(Process.Start(start)!, grpcPort, webPort, metricsPort);
        try
        {
            await host.WaitUntilReadyAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Kills the host as a crash would: no drain, no goodbye to Redis or PostgreSQL.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the host to shut down as an orchestrator would (SIGTERM).</summary>
    public Task TerminateAsync()
    {
        Signal(NativeMethods.SigTerm, "SIGTERM");
        return Task.CompletedTask;
    }

    /// <summary>The sum of a counter's series on the host's <c>/metrics</c>, e.g. <c>chat_sends_forwarded_total</c>; 0 before its first count.</summary>
    public async Task<double> CounterAsync(string name)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{MetricsPort}/metrics"));
        return text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length && l[name.Length] is ' ' or '{')
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Stops the process where it stands (SIGSTOP): its sockets stay open and answer nothing, as a host in a long pause.</summary>
    public void Freeze() => Signal(NativeMethods.SigStop, "SIGSTOP");

    /// <summary>Lets a frozen process run on (SIGCONT).</summary>
    public void Thaw() => Signal(NativeMethods.SigCont, "SIGCONT");

    private void Signal(int signal, string name)
    {
        // libc's kill(2): no kill(1) program needed on the machine.
        if (NativeMethods.Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {name}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the host to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>The repository's root: the folder of ChatMonolith.sln, above these tests' build output.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var here = Path.GetDirectoryName(typeof(HostProcess).Assembly.Location)!;
            var root = new DirectoryInfo(here);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "ChatMonolith.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName ?? throw new InvalidOperationException("ChatMonolith.sln not found above " + here);
        }
    }

    /// <summary>The host built beside these tests: same configuration, found from the repository's root.</summary>
    private static string HostAssembly()
    {
        var here = Path.GetDirectoryName(typeof(HostProcess).Assembly.Location)!;
        var configuration = new DirectoryInfo(here).Parent!.Name; // bin/<Configuration>/net10.0
        var path = Path.Combine(RepositoryRoot, "src", "Host", "ChatMonolith.Host", "bin", configuration, "net10.0", "ChatMonolith.Host.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"The host is not built at {path}.");
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        using var retry = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                // Without a timeout, this waits for the redirected output to be read to its end, so that it is all here.
                _process.WaitForExit();
                throw new InvalidOperationException($"The host exited with {_process.ExitCode} while starting:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await retry.WaitForNextTickAsync();
        }

        throw new TimeoutException($"The host did not answer /healthz within {StartTimeout}:\n{Output}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            // CHATMONOLITH_TEST_HOST_LOGS names a folder that keeps every host's console, for a failure seen in CI.
            if (Environment.GetEnvironmentVariable("CHATMONOLITH_TEST_HOST_LOGS") is { Length: > 0 } folder)
            {
                File.AppendAllText(Path.Combine(folder, $"host-{GrpcPort}.log"), line + Environment.NewLine);
            }
        }
    }
}

/// <summary>Signals to a process through libc's kill(2), so no kill(1) program is needed on the machine.</summary>
public static class ProcessSignals
{
    /// <summary>Ctrl+C, as a terminal sends it.</summary>
    public static void Interrupt(Process process)
    {
        if (NativeMethods.Kill(process.Id, NativeMethods.SigInt) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGINT) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }
}

internal static class NativeMethods
{
    public const int SigInt = 2;

    public const int SigTerm = 15;

    public const int SigCont = 18;

    public const int SigStop = 19;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    internal static extern int Kill(int pid, int signal);
}
