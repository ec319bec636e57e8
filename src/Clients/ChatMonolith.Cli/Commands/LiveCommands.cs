using System.CommandLine;
using System.Text;
using System.Text.Json;
using ChatMonolith.Client;
using Spectre.Console;

namespace ChatMonolith.Cli.Commands;

/// <summary>listen (live events) and open (an interactive chat view).</summary>
internal static class LiveCommands
{
    public static void AddTo(RootCommand root)
    {
        var listen = new Command("listen", "Print live events until Ctrl+C: messages, ticks, typing, presence");
        listen.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var names = new Names(client);
            var reading = Task.Run(async () =>
            {
                await foreach (var chatEvent in client.ReadEventsAsync(cancellationToken))
                {
                    if (cli.Json)
                    {
                        Console.Out.WriteLine(JsonLine(chatEvent));
                    }
                    else if (await DescribeAsync(chatEvent, names, cancellationToken) is { } line)
                    {
                        AnsiConsole.MarkupLine(line);
                    }
                }
            }, cancellationToken);
            await client.ConnectAsync(cancellationToken);
            if (!cli.Json)
            {
                AnsiConsole.MarkupLine("[grey]Listening; Ctrl+C ends.[/]");
            }

            try
            {
                await reading;
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });

        var chat = new Argument<string>("chat") { Description = "A username, #group title, or conversation id" };
        var open = new Command("open", "An interactive chat: type to send; ticks, typing and presence as they come; /quit ends") { chat };
        open.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var conversation = await Cli.FindConversationAsync(client, parse.GetValue(chat)!, cancellationToken);
            await new ChatView(client, conversation).RunAsync(cancellationToken);
            return 0;
        });

        root.Subcommands.Add(listen);
        root.Subcommands.Add(open);
    }

    public static string JsonLine(ChatEvent chatEvent)
    {
        var type = chatEvent switch
        {
            MessageReceived => "message",
            MessageSent => "sent",
            SendFailed => "send_failed",
            ReceiptChanged => "receipt",
            PresenceChanged => "presence",
            TypingChanged => "typing",
            ConversationChanged => "conversation",
            ConnectionChanged => "connection",
            _ => "other",
        };
        object body = chatEvent switch
        {
            MessageReceived m => m.Message,
            MessageSent s => s.Sent,
            SendFailed f => new { f.ConversationId, f.ClientMsgId, f.Error.Reason, f.Error.Message },
            ReceiptChanged r => r.Receipt,
            PresenceChanged p => p.Presence,
            TypingChanged t => t.Typing,
            ConversationChanged c => c.Conversation,
            ConnectionChanged c => new { c.State, Reason = c.Error?.Reason, c.RetryIn },
            _ => new { },
        };
        return JsonSerializer.Serialize(new { type, @event = body }, Cli.JsonOutput);
    }

    public static async Task<string?> DescribeAsync(ChatEvent chatEvent, Names names, CancellationToken cancellationToken) => chatEvent switch
    {
        MessageReceived m => await names.LineAsync(m.Message, cancellationToken),
        ReceiptChanged r when r.Receipt.ReadSeq > 0 => $"[blue]✓✓[/] [grey]{Markup.Escape(await names.OfAsync(r.Receipt.UserId, cancellationToken))} read up to #{r.Receipt.ReadSeq}[/]",
        ReceiptChanged r => $"[grey]✓✓ {Markup.Escape(await names.OfAsync(r.Receipt.UserId, cancellationToken))} has up to #{r.Receipt.DeliveredSeq}[/]",
        TypingChanged { Typing.IsTyping: true } t => $"[grey]{Markup.Escape(await names.OfAsync(t.Typing.UserId, cancellationToken))} is typing…[/]",
        PresenceChanged p => $"[grey]{Markup.Escape(await names.OfAsync(p.Presence.UserId, cancellationToken))} is {PresenceWords(p.Presence)}[/]",
        SendFailed f => $"[red]Not sent: {Markup.Escape(Cli.Words(f.Error))}[/]",
        ConnectionChanged { State: ConnectionState.Disconnected } c => $"[yellow]Disconnected; reconnecting in {c.RetryIn?.TotalSeconds:0.0} s…[/]",
        ConnectionChanged { State: ConnectionState.Connected } => "[grey]Connected.[/]",
        ConnectionChanged { State: ConnectionState.Replaced } => "[yellow]This device opened a newer stream elsewhere; this one stops.[/]",
        ConnectionChanged { State: ConnectionState.SignedOut } => "[red]Your session has ended: log in again.[/]",
        _ => null,
    };

    public static string PresenceWords(Presence presence) => presence.State switch
    {
        PresenceState.Online => "online",
        PresenceState.Offline when presence.LastSeenAt is { } seen => $"offline, last seen {seen.LocalDateTime.ToString("g", System.Globalization.CultureInfo.CurrentCulture)}",
        PresenceState.Offline => "offline",
        _ => "hiding their presence",
    };
}

/// <summary>
/// One conversation, live, in the terminal: the last page of history, then what comes; a line typed is sent, a key
/// pressed says "typing"; what arrives is printed above the line being typed, which is drawn again below it.
/// </summary>
internal sealed class ChatView(ChatClient client, Conversation conversation)
{
    private readonly Lock _console = new();
    private readonly StringBuilder _typed = new();
    private readonly Names _names = new(client);
    private long _shown;
    private long _ownLast;
    private long _readTick;
    private long _deliveredTick;
    private long _deliveredToAll;
    private long _readByAll;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var title = await ConversationCommands.NameAsync(client, conversation, cancellationToken);
        AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
        var history = await client.GetMessagesAsync(conversation.ConversationId, pageSize: 20, cancellationToken: cancellationToken);
        foreach (var message in history.Messages)
        {
            Show(await _names.LineAsync(message, cancellationToken));
            _shown = message.Seq;
            if (message.SenderId == client.UserId)
            {
                _ownLast = message.Seq;
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(() => ReadAsync(stop.Token), stop.Token);
        await client.ConnectAsync(cancellationToken);
        await client.WatchPresenceAsync(conversation.Members.Select(m => m.UserId).Where(id => id != client.UserId), cancellationToken);
        if (_shown > 0)
        {
            await client.MarkReadAsync(conversation.ConversationId, _shown, cancellationToken);
        }

        Show("[grey]Type and press Enter to send; /quit ends.[/]");
        await TypeAsync(stop.Token);
        await stop.CancelAsync();
        try
        {
            await reading;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        await foreach (var chatEvent in client.ReadEventsAsync(cancellationToken))
        {
            switch (chatEvent)
            {
                case MessageReceived { Message: var m } when m.ConversationId == conversation.ConversationId:
                    if (m.Seq <= _shown)
                    {
                        break; // already on screen from history
                    }

                    _shown = m.Seq;
                    if (m.SenderId == client.UserId)
                    {
                        _ownLast = m.Seq;
                    }

                    Show(await _names.LineAsync(m, cancellationToken));
                    ShowTicks(); // a receipt may have come before the stream's copy of this message

                    // On screen is read.
                    await client.MarkReadAsync(conversation.ConversationId, m.Seq, cancellationToken);
                    break;
                case MessageReceived { Message: var m } when m.Text is not null:
                    Show($"[grey]New message from {Markup.Escape(await _names.OfAsync(m.SenderId, cancellationToken))} in another chat.[/]");
                    break;
                case ReceiptChanged { Receipt: var r } when r.ConversationId == conversation.ConversationId:
                    // The recipients' ticks travel on receipts of others and on the user's own.
                    _deliveredToAll = Math.Max(_deliveredToAll, r.DeliveredToAllSeq);
                    _readByAll = Math.Max(_readByAll, r.ReadByAllSeq);
                    ShowTicks();
                    break;
                case TypingChanged { Typing: var t } when t.ConversationId == conversation.ConversationId && t.UserId != client.UserId && t.IsTyping:
                case PresenceChanged:
                case SendFailed:
                case ConnectionChanged { State: not ConnectionState.Connecting }:
                    if (await LiveCommands.DescribeAsync(chatEvent, _names, cancellationToken) is { } line)
                    {
                        Show(line);
                    }

                    break;
            }
        }
    }

    /// <summary>The newest tick of the user's last message, once: delivered to everyone, then read by everyone.</summary>
    private void ShowTicks()
    {
        if (_ownLast == 0)
        {
            return;
        }

        if (_readByAll >= _ownLast && _ownLast > _readTick)
        {
            _readTick = _deliveredTick = _ownLast;
            Show($"[blue]✓✓ read[/] [grey](#{_ownLast})[/]");
        }
        else if (_deliveredToAll >= _ownLast && _ownLast > _deliveredTick)
        {
            _deliveredTick = _ownLast;
            Show($"[grey]✓✓ delivered (#{_ownLast})[/]");
        }
    }

    private async Task TypeAsync(CancellationToken cancellationToken)
    {
        // Each line goes out on its own: while the server is away it waits in the queue, and typing goes on.
        var sends = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            string? line;
            if (Console.IsInputRedirected)
            {
                line = await Console.In.ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    break;
                }
            }
            else
            {
                line = await ReadKeysAsync(cancellationToken);
            }

            if (line.Trim() == "/quit")
            {
                break;
            }

            if (line.Trim().Length > 0)
            {
                sends.RemoveAll(t => t.IsCompleted);
                sends.Add(SendAsync(line, cancellationToken));
            }
        }

        if (sends.Any(t => !t.IsCompleted))
        {
            // Kept in the session's outgoing queue: the next command of this profile that connects sends them.
            Show($"[yellow]{sends.Count(t => !t.IsCompleted)} not yet sent; they go out the next time you open or listen.[/]");
        }
    }

    private async Task SendAsync(string line, CancellationToken cancellationToken)
    {
        try
        {
            var sent = await client.SendAsync(conversation.ConversationId, line, cancellationToken);
            Show($"[grey]✓ sent (#{sent.Seq})[/]");
        }
        catch (ChatException e)
        {
            Show($"[red]Not sent: {Markup.Escape(Cli.Words(e))}[/]");
        }
        catch (OperationCanceledException)
        {
            // The view ends; the message stays queued.
        }
    }

    /// <summary>A line from the keyboard, key by key: the first key says "typing", Enter ends the line.</summary>
    private async Task<string> ReadKeysAsync(CancellationToken cancellationToken)
    {
        lock (_console)
        {
            _typed.Clear();
            Console.Write("> ");
        }

        var typing = false;
        while (true)
        {
            // Console.ReadKey blocks; on a thread of its own it leaves the events printing.
            var key = await Task.Run(() => Console.ReadKey(intercept: true), cancellationToken);
            if (key.Key == ConsoleKey.Enter)
            {
                string line;
                lock (_console)
                {
                    // The line typed makes way: it comes back as a message, with its seq, once the server has it.
                    line = _typed.ToString();
                    _typed.Clear();
                    Console.Write("\r\u001b[2K");
                }

                return line;
            }

            lock (_console)
            {
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (_typed.Length > 0)
                    {
                        _typed.Length--;
                        Console.Write("\b \b");
                    }
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    _typed.Append(key.KeyChar);
                    Console.Write(key.KeyChar);
                }
            }

            if (!typing && _typed.Length > 0)
            {
                typing = true;
                await client.SetTypingAsync(conversation.ConversationId, typing: true, cancellationToken);
            }
        }
    }

    /// <summary>Prints a line above the one being typed, and draws that again.</summary>
    private void Show(string markup)
    {
        lock (_console)
        {
            var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            if (interactive)
            {
                Console.Write("\r\u001b[2K");
            }

            AnsiConsole.MarkupLine(markup);
            if (interactive)
            {
                Console.Write("> " + _typed);
            }
        }
    }
}
