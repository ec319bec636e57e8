using System.CommandLine;
using ChatMonolith.Cli;
using ChatMonolith.Cli.Commands;
using ChatMonolith.Client;
using Spectre.Console;

var root = new RootCommand("chat: a ChatMonolith client for the terminal. Start with `chat register <name>` and `chat login <name>`.")
{
    Cli.ServerOption,
    Cli.JsonOption,
    Cli.ProfileOption,
};
AccountCommands.AddTo(root);
ConversationCommands.AddTo(root);
LiveCommands.AddTo(root);

var parse = root.Parse(args);
var errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
try
{
    // Exceptions come here, not to System.CommandLine's handler, which prints a stack trace.
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (ChatException e)
{
    // With --json the error is a JSON line on stdout too; else it is put into words, on stderr.
    if (parse.GetValue(Cli.JsonOption))
    {
        Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { error = new { code = e.Code.ToString(), reason = e.Reason, message = e.Message } }, Cli.JsonOutput));
    }
    else
    {
        errors.MarkupLineInterpolated($"[red]{Cli.Words(e)}[/]");
    }

    return 1;
}
catch (OperationCanceledException)
{
    return 130;
}
#pragma warning disable CA1031 // The last line of defence of a command: a sentence, not a stack trace.
catch (Exception e)
#pragma warning restore CA1031
{
    // The session folder not writable, or a file in it damaged; or a fault of this client.
    errors.MarkupLineInterpolated($"[red]chat failed: {e.Message}[/]");
    return 1;
}
