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

try
{
    return await root.Parse(args).InvokeAsync();
}
catch (ChatException e)
{
    if (args.Contains("--json"))
    {
        Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { error = new { code = e.Code.ToString(), reason = e.Reason, message = e.Message } }));
    }
    else
    {
        AnsiConsole.MarkupLineInterpolated($"[red]{Cli.Words(e)}[/]");
    }

    return 1;
}
