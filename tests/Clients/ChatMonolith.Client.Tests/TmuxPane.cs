using System.Diagnostics;
using ChatMonolith.Testing;

namespace ChatMonolith.Client.Tests;

/// <summary>
/// A command on a real terminal: a tmux server of the test's own (its own socket, started and stopped by the test),
/// one pane, keys typed into it with send-keys and the screen read with capture-pane.
/// </summary>
public sealed class TmuxPane : IAsyncDisposable
{
    private readonly string _socket = "chat-test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _config;

    private TmuxPane(string config) => _config = config;

    /// <summary>Starts <paramref name="command"/> in a new 160×50 pane, with <paramref name="environment"/> set; the pane stays after it ends, so its last screen can be read.</summary>
    public static async Task<TmuxPane> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] command)
    {
        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, "set -g remain-on-exit on\n");
        var pane = new TmuxPane(config);
        List<string> args = ["new-session", "-d", "-s", "chat", "-x", "160", "-y", "50"];
        foreach (var (key, value) in environment)
        {
            args.AddRange(["-e", $"{key}={value}"]);
        }

        args.Add(string.Join(' ', command.Select(Quote)));
        await pane.TmuxAsync([.. args]);
        return pane;
    }

    /// <summary>What the pane shows now, wrapped lines joined.</summary>
    public Task<string> ScreenAsync() => TmuxAsync("capture-pane", "-p", "-J", "-t", "chat");

    /// <summary>Types <paramref name="text"/> as keys, literally.</summary>
    public Task TypeAsync(string text) => TmuxAsync("send-keys", "-t", "chat", "-l", text);

    public Task PressEnterAsync() => TmuxAsync("send-keys", "-t", "chat", "Enter");

    /// <summary>Waits until the screen shows <paramref name="text"/> (tmux has no event for that: <see cref="Poll"/>).</summary>
    public Task WaitForAsync(string text, TimeSpan? timeout = null) =>
        Poll.UntilAsync(
            async () => (await ScreenAsync()).Contains(text, StringComparison.Ordinal),
            timeout ?? ChatCli.Timeout,
            async () => $"The terminal did not show \"{text}\" in time. It shows:\n{await ScreenAsync()}");

    /// <summary>The command's exit status once it has ended (null while it runs).</summary>
    public async Task<int?> ExitStatusAsync()
    {
        var dead = (await TmuxAsync("display-message", "-p", "-t", "chat", "#{pane_dead} #{pane_dead_status}")).Trim().Split(' ');
        return dead[0] == "1" ? int.Parse(dead[1], System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Waits for the command to end and returns its exit status.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await Poll.UntilAsync(
            async () => await ExitStatusAsync() is not null,
            ChatCli.Timeout,
            async () => $"The command did not end in time. The terminal shows:\n{await ScreenAsync()}");
        return (await ExitStatusAsync())!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TmuxAsync("kill-server");
        }
        catch (InvalidOperationException)
        {
            // The server had ended already.
        }

        File.Delete(_config);
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private async Task<string> TmuxAsync(params string[] args)
    {
        var start = new ProcessStartInfo("tmux", ["-L", _socket, "-f", _config, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("tmux did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}
