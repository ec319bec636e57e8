using System.CommandLine;
using ChatMonolith.Client;
using Spectre.Console;

namespace ChatMonolith.Cli.Commands;

/// <summary>chats, group …, send, history.</summary>
internal static class ConversationCommands
{
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(Chats());
        root.Subcommands.Add(Group());
        root.Subcommands.Add(Send());
        root.Subcommands.Add(History());
    }

    /// <summary>"alice" for a direct chat with alice, "#title" for a group.</summary>
    public static async Task<string> NameAsync(ChatClient client, Conversation conversation, CancellationToken cancellationToken)
    {
        if (conversation.Kind == ConversationKind.Group)
        {
            return "#" + conversation.Title;
        }

        var other = conversation.Members.FirstOrDefault(m => m.UserId != client.UserId)?.UserId ?? client.UserId;
        return (await client.GetProfileAsync(other, cancellationToken)).Username;
    }

    private static Command Chats()
    {
        var limit = new Option<int>("--limit") { Description = "How many", DefaultValueFactory = _ => 20 };
        var chats = new Command("chats", "Your conversations, newest first, with unread counts") { limit };
        chats.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var page = await client.ListConversationsAsync(parse.GetValue(limit), cancellationToken: cancellationToken);
            var rows = new List<ChatRow>();
            foreach (var c in page.Conversations)
            {
                rows.Add(new ChatRow(c.ConversationId, await NameAsync(client, c, cancellationToken), c.Kind, c.UnreadCount, c.LastSeq, c.LastMessage?.Text, c.LastActivityAt, c.RemovedSeq > 0));
            }

            cli.Print(rows, items =>
            {
                var table = new Table().AddColumns("Chat", "Unread", "Last message", "When");
                foreach (var row in items)
                {
                    table.AddRow(
                        Markup.Escape(row.Name) + (row.Left ? " [grey](left)[/]" : ""),
                        row.Unread > 0 ? $"[bold green]{row.Unread}[/]" : "",
                        Markup.Escape(Preview(row.LastText)),
                        row.LastActivityAt?.LocalDateTime.ToString("g", System.Globalization.CultureInfo.CurrentCulture) ?? "");
                }

                AnsiConsole.Write(table);
            });
            return 0;
        });
        return chats;
    }

    private static Command Group()
    {
        var title = new Argument<string>("title");
        var group = new Argument<string>("group") { Description = "#title or the conversation id" };
        var users = new Argument<string[]>("usernames") { Arity = ArgumentArity.OneOrMore };
        var user = new Argument<string>("username");

        var create = new Command("create", "Create a group with you as its admin") { title, new Argument<string[]>("usernames") { Arity = ArgumentArity.ZeroOrMore } };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var ids = new List<string>();
            foreach (var name in parse.GetValue<string[]>("usernames") ?? [])
            {
                ids.Add((await Cli.FindUserAsync(client, name, cancellationToken)).UserId);
            }

            var created = await client.CreateGroupAsync(parse.GetValue(title)!, ids, cancellationToken);
            cli.Print(new { conversation_id = created.ConversationId, title = created.Title, members = created.Members.Count }, r => AnsiConsole.MarkupLineInterpolated($"Created #{r.title} with {r.members} members."));
            return 0;
        });

        var add = new Command("add", "Add members (admins only)") { group, users };
        add.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var conversation = await Cli.FindConversationAsync(client, parse.GetValue(group)!, cancellationToken);
            var ids = new List<string>();
            foreach (var name in parse.GetValue(users)!)
            {
                ids.Add((await Cli.FindUserAsync(client, name, cancellationToken)).UserId);
            }

            var seq = await client.AddMembersAsync(conversation.ConversationId, ids, cancellationToken);
            cli.Print(new { conversation_id = conversation.ConversationId, seq }, _ => AnsiConsole.MarkupLine("Added."));
            return 0;
        });

        var remove = new Command("remove", "Remove a member (admins only)") { group, user };
        remove.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var conversation = await Cli.FindConversationAsync(client, parse.GetValue(group)!, cancellationToken);
            var member = await Cli.FindUserAsync(client, parse.GetValue(user)!, cancellationToken);
            var seq = await client.RemoveMemberAsync(conversation.ConversationId, member.UserId, cancellationToken);
            cli.Print(new { conversation_id = conversation.ConversationId, seq }, _ => AnsiConsole.MarkupLine("Removed."));
            return 0;
        });

        var newTitle = new Argument<string>("new-title");
        var rename = new Command("rename", "Rename a group (admins only)") { group, newTitle };
        rename.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var conversation = await Cli.FindConversationAsync(client, parse.GetValue(group)!, cancellationToken);
            var seq = await client.RenameGroupAsync(conversation.ConversationId, parse.GetValue(newTitle)!, cancellationToken);
            cli.Print(new { conversation_id = conversation.ConversationId, seq }, _ => AnsiConsole.MarkupLine("Renamed."));
            return 0;
        });

        var leave = new Command("leave", "Leave a group") { group };
        leave.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var conversation = await Cli.FindConversationAsync(client, parse.GetValue(group)!, cancellationToken);
            var seq = await client.LeaveGroupAsync(conversation.ConversationId, cancellationToken);
            cli.Print(new { conversation_id = conversation.ConversationId, seq }, _ => AnsiConsole.MarkupLine("You left the group."));
            return 0;
        });

        return new Command("group", "Create and manage groups") { create, add, remove, rename, leave };
    }

    private static Command Send()
    {
        var to = new Argument<string>("to") { Description = "A username, #group title, or conversation id" };
        var text = new Argument<string[]>("text") { Arity = ArgumentArity.OneOrMore, Description = "The message (the words are joined with spaces)" };
        var send = new Command("send", "Send one message; returns once the server stored it") { to, text };
        send.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var conversation = await Cli.FindConversationAsync(client, parse.GetValue(to)!, cancellationToken);
            var sent = await client.SendAsync(conversation.ConversationId, string.Join(' ', parse.GetValue(text)!), cancellationToken);
            cli.Print(sent, s => AnsiConsole.MarkupLineInterpolated($"[grey]#{s.Seq}[/] sent ✓"));
            return 0;
        });
        return send;
    }

    private static Command History()
    {
        var of = new Argument<string>("chat") { Description = "A username, #group title, or conversation id" };
        var before = new Option<long>("--before") { Description = "Messages before this seq (0: the newest)" };
        var limit = new Option<int>("--limit") { Description = "How many (1 to 100)", DefaultValueFactory = _ => 20 };
        var history = new Command("history", "A page of a conversation's history; --before pages back") { of, before, limit };
        history.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var conversation = await Cli.FindConversationAsync(client, parse.GetValue(of)!, cancellationToken);
            var page = await client.GetMessagesAsync(conversation.ConversationId, parse.GetValue(before), after: false, parse.GetValue(limit), cancellationToken);
            var names = new Names(client);
            if (cli.Json)
            {
                cli.Print(new { conversation_id = conversation.ConversationId, messages = page.Messages, has_more = page.HasMore, next_before = page.NextAnchorSeq }, _ => { });
                return 0;
            }

            foreach (var message in page.Messages)
            {
                AnsiConsole.MarkupLine(await names.LineAsync(message, cancellationToken));
            }

            if (page.HasMore)
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]Older: chat history {parse.GetValue(of)} --before {page.NextAnchorSeq}[/]");
            }

            return 0;
        });
        return history;
    }

    private sealed record ChatRow(string ConversationId, string Name, ConversationKind Kind, long Unread, long LastSeq, string? LastText, DateTimeOffset? LastActivityAt, bool Left);

    private static string Preview(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..39] + "…";
}

/// <summary>Usernames for user ids, looked up once each; and a message as a line of the terminal.</summary>
internal sealed class Names(ChatClient client)
{
    private readonly Dictionary<string, string> _known = [];

    public async Task<string> OfAsync(string userId, CancellationToken cancellationToken)
    {
        if (!_known.TryGetValue(userId, out var name))
        {
            name = userId == client.UserId ? "you" : (await client.GetProfileAsync(userId, cancellationToken)).Username;
            _known[userId] = name;
        }

        return name;
    }

    public async Task<string> LineAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        var who = Markup.Escape(await OfAsync(message.SenderId, cancellationToken));
        var when = message.SentAt.LocalDateTime.ToString("t", System.Globalization.CultureInfo.CurrentCulture);
        if (message.Change is { } change)
        {
            var whom = new List<string>();
            foreach (var id in change.UserIds)
            {
                whom.Add(await OfAsync(id, cancellationToken));
            }

            var what = change.Kind switch
            {
                SystemChangeKind.ConversationCreated => change.Title.Length > 0 ? $"created #{change.Title}" : "started the chat",
                SystemChangeKind.MembersAdded => $"added {string.Join(", ", whom)}",
                SystemChangeKind.MemberRemoved => $"removed {string.Join(", ", whom)}",
                SystemChangeKind.MemberLeft => "left",
                SystemChangeKind.GroupRenamed => $"renamed the group to #{change.Title}",
                SystemChangeKind.MemberPromoted => $"made {string.Join(", ", whom)} an admin",
                SystemChangeKind.MemberDemoted => $"made {string.Join(", ", whom)} a plain member",
                _ => "changed the conversation",
            };
            return $"[grey]{message.Seq,5} {when} {who} {Markup.Escape(what)}[/]";
        }

        var colour = message.SenderId == client.UserId ? "blue" : "green";
        return $"[grey]{message.Seq,5} {when}[/] [{colour}]{who}[/]: {Markup.Escape(message.Text ?? "")}";
    }
}
