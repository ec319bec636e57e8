using System.Diagnostics;
using System.Text;
using ChatMonolith.Testing;

namespace ChatMonolith.Client.Tests;

/// <summary>
/// The <c>chat</c> command-line client as a user runs it: a process of its own, against one server, with a config
/// folder of the test's own (so its sessions are the test's alone).
/// </summary>
public sealed class ChatCli(Uri server) : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The config folder (XDG_CONFIG_HOME) the processes share: the profiles' sessions live under it.</summary>
    public string ConfigHome { get; } = Directory.CreateTempSubdirectory("chat-cli-").FullName;

    /// <summary>chat.dll, copied next to the tests by the project reference.</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "chat.dll");

    /// <summary>The environment a process gets: this server and config folder, no colour.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["CHAT_SERVER"] = server.ToString(),
        ["XDG_CONFIG_HOME"] = ConfigHome,
        ["NO_COLOR"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    /// <summary>Runs one command to its end.</summary>
    public async Task<CliResult> RunAsync(string[] args, string? stdin = null)
    {
        using var process = Start(args);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chat {string.Join(' ', args)} did not end in {Timeout.TotalSeconds} s");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a command that runs until stopped (listen), reading its output line by line.</summary>
    public LiveCommand StartLive(params string[] args) => new(Start(args), args);

    public void Dispose() => Directory.Delete(ConfigHome, recursive: true);

    private Process Start(string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Assembly, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }
}

/// <summary>How a command ended: its exit code and everything it printed.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}; stdout: {Stdout}; stderr: {Stderr}";
}

/// <summary>A command that runs until it is interrupted, its output kept line by line.</summary>
public sealed class LiveCommand : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string[] _args;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _errors = new();
    private readonly ChangeSignal _changed = new();
    private readonly Task _reading;
    private volatile bool _ended;

    internal LiveCommand(Process process, string[] args)
    {
        _process = process;
        _args = args;
        _process.StandardInput.Close();
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_gate)
            {
                _errors.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
        _reading = Task.Run(ReadAsync);
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The first line printed that matches, once it is printed.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        await _changed.WaitUntilAsync(
            () => Lines.Any(match) || _ended,
            ChatCli.Timeout,
            () => $"chat {string.Join(' ', _args)}: not {what} in time. Printed: {string.Join(" | ", Lines)}");
        return Lines.FirstOrDefault(match)
            ?? throw new InvalidOperationException($"chat {string.Join(' ', _args)} ended (exit {_process.ExitCode}) before {what}. Printed: {string.Join(" | ", Lines)}; stderr: {_errors}");
    }

    /// <summary>Ctrl+C: the command is to end by itself, and its exit code is returned.</summary>
    public async Task<int> InterruptAsync()
    {
        ProcessSignals.Interrupt(_process);
        using var cts = new CancellationTokenSource(ChatCli.Timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _reading;
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _reading;
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_gate)
            {
                _lines.Add(line);
            }

            _changed.Notify();
        }

        _ended = true;
        _changed.Notify();
    }
}
