using System.Text.Json;
using ChatMonolith.Client;
using ChatMonolith.Testing;

namespace ChatMonolith.Client.Tests;

/// <summary>The <c>chat</c> CLI as a real process against a real host: output, exit codes, and the words for bad input.</summary>
[Collection(SdkCollection.Name)]
public sealed class CliTests(ChatServer server) : IClassFixture<ChatServer>, IDisposable
{
    private const string Password = "correct horse battery";

    private readonly ChatCli _cli = new(server.Address);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Given_two_users_When_they_register_log_in_send_and_read_history_Then_each_command_prints_its_result_and_exits_0()
    {
        var (alice, bob) = (NewName(), NewName());

        var registered = await RunOkAsync("register", alice, "--password", Password, "--json");
        var aliceId = Field(Json(registered), "user_id").GetString();
        Assert.True(Guid.TryParse(aliceId, out _), registered.ToString());

        // The password from stdin, as a script pipes it.
        var bobRegistered = await _cli.RunAsync(["register", bob, "--display-name", "Bob B."], stdin: Password + "\n");
        Assert.True(bobRegistered.ExitCode == 0, bobRegistered.ToString());
        Assert.Contains($"Registered {bob}", bobRegistered.Stdout, StringComparison.Ordinal);

        var login = await RunOkAsync("login", alice, "--password", Password, "--profile", "alice", "--json");
        Assert.Equal(aliceId, Field(Json(login), "user_id").GetString());
        var folder = Field(Json(login), "session_folder").GetString()!;
        Assert.StartsWith(_cli.ConfigHome, folder, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            foreach (var file in Directory.GetFiles(folder))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }

        var bobLogin = await RunOkAsync("login", bob, "--password", Password, "--profile", "bob");
        Assert.Contains($"Logged in as {bob}", bobLogin.Stdout, StringComparison.Ordinal);

        // Three sends: each prints the seq the server stored it under, one after the other.
        var seqs = new List<long>();
        foreach (var text in new[] { "hello bob", "how are you?", "third" })
        {
            var sent = await RunOkAsync(["send", bob, .. text.Split(' '), "--profile", "alice", "--json"]);
            seqs.Add(Field(Json(sent), "seq").GetInt64());
        }

        Assert.Equal([seqs[0], seqs[0] + 1, seqs[0] + 2], seqs);

        // Bob's history, as JSON and as text, paged back.
        var history = Json(await RunOkAsync("history", alice, "--profile", "bob", "--json"));
        var texts = Field(history, "messages").EnumerateArray()
            .Where(m => m.TryGetProperty("text", out _))
            .Select(m => (Field(m, "seq").GetInt64(), Field(m, "text").GetString(), Field(m, "sender_id").GetString()));
        Assert.Equal([(seqs[0], "hello bob", aliceId), (seqs[1], "how are you?", aliceId), (seqs[2], "third", aliceId)], texts);

        var page = await RunOkAsync("history", alice, "--profile", "bob", "--limit", "2");
        Assert.Equal(2, page.Lines.Count(l => l.Contains($"{alice}:", StringComparison.Ordinal)));
        Assert.Contains(page.Lines, l => l.EndsWith($"{alice}: third", StringComparison.Ordinal));
        var older = Assert.Single(page.Lines, l => l.StartsWith("Older:", StringComparison.Ordinal));
        var before = older[(older.LastIndexOf(' ') + 1)..];
        var earlier = await RunOkAsync("history", alice, "--profile", "bob", "--before", before);
        Assert.Contains(earlier.Lines, l => l.EndsWith($"{alice}: hello bob", StringComparison.Ordinal));
        Assert.DoesNotContain(earlier.Lines, l => l.EndsWith(": third", StringComparison.Ordinal));

        // The list of chats: Bob has three unread from Alice.
        var chats = Json(await RunOkAsync("chats", "--profile", "bob", "--json"));
        var row = Assert.Single(chats.EnumerateArray());
        Assert.Equal((alice, 3L, "third"), (Field(row, "name").GetString(), Field(row, "unread").GetInt64(), Field(row, "last_text").GetString()));
        var table = await RunOkAsync("chats", "--profile", "bob");
        Assert.Contains(table.Lines, l => l.Contains(alice, StringComparison.Ordinal) && l.Contains(" 3 ", StringComparison.Ordinal) && l.Contains("third", StringComparison.Ordinal));

        // Logged out, the profile's commands ask for a login.
        await RunOkAsync("logout", "--profile", "bob");
        var afterLogout = await _cli.RunAsync(["chats", "--profile", "bob"]);
        Assert.Equal(1, afterLogout.ExitCode);
        Assert.Contains("You are not logged in", afterLogout.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_bad_input_When_a_command_runs_Then_it_exits_1_with_the_reason_in_words()
    {
        var alice = NewName();
        await RunOkAsync("register", alice, "--password", Password);

        var wrongPassword = await _cli.RunAsync(["login", alice, "--password", "not the password"]);
        Assert.Equal(1, wrongPassword.ExitCode);
        Assert.Equal("Wrong username or password.", wrongPassword.Stderr.Trim());
        var wrongAsJson = Json(await _cli.RunAsync(["login", alice, "--password", "not the password", "--json"]));
        Assert.Equal(("Unauthenticated", "INVALID_CREDENTIALS"), (Field(Field(wrongAsJson, "error"), "code").GetString(), Field(Field(wrongAsJson, "error"), "reason").GetString()));

        var taken = await _cli.RunAsync(["register", alice, "--password", Password]);
        Assert.Equal(1, taken.ExitCode);
        Assert.Equal("That username is taken.", taken.Stderr.Trim());

        var badName = await _cli.RunAsync(["register", "NO SPACES", "--password", Password]);
        Assert.Equal(1, badName.ExitCode);
        Assert.Contains("username", badName.Stderr, StringComparison.OrdinalIgnoreCase);

        await RunOkAsync("login", alice, "--password", Password);
        var nobody = NewName();
        var unknownUser = await _cli.RunAsync(["send", nobody, "hello?"]);
        Assert.Equal(1, unknownUser.ExitCode);
        Assert.Equal($"Nobody is called \"{nobody}\".", unknownUser.Stderr.Trim());

        var noGroup = await _cli.RunAsync(["history", "#no such group"]);
        Assert.Equal(1, noGroup.ExitCode);
        Assert.Equal("You are in no group called \"no such group\".", noGroup.Stderr.Trim());

        var notLoggedIn = await _cli.RunAsync(["send", alice, "hi", "--profile", "nobody-here"]);
        Assert.Equal(1, notLoggedIn.ExitCode);
        Assert.Contains("You are not logged in", notLoggedIn.Stderr, StringComparison.Ordinal);

        // A usage error is System.CommandLine's: exit 1 and what is missing, on stderr.
        var missingText = await _cli.RunAsync(["send", alice]);
        Assert.Equal(1, missingText.ExitCode);
        Assert.Contains("text", missingText.Stderr, StringComparison.Ordinal);

        var badServer = await _cli.RunAsync(["login", alice, "--password", Password, "--server", "127.0.0.1:5080"]);
        Assert.Equal(1, badServer.ExitCode);
        Assert.Contains("is not an http:// or https:// address", badServer.Stderr, StringComparison.Ordinal);

        // No server at that address.
        var down = $"http://127.0.0.1:{TcpProxy.FreePort()}";
        var serverDown = await _cli.RunAsync(["login", alice, "--password", Password, "--server", down]);
        Assert.Equal(1, serverDown.ExitCode);
        Assert.Equal("The server cannot be reached.", serverDown.Stderr.Trim());
        Assert.DoesNotContain("Exception", serverDown.Stdout + serverDown.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, wrongPassword.Stdout + wrongPassword.Stderr + serverDown.Stdout + serverDown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_listen_json_When_the_other_side_sends_and_reads_Then_it_prints_the_message_and_the_receipt_as_JSON_lines_and_Ctrl_C_ends_it()
    {
        var (alice, bob) = (NewName(), NewName());
        await RunOkAsync("register", alice, "--password", Password);
        await RunOkAsync("login", alice, "--password", Password, "--profile", "alice");
        var bobClient = await NewSdkUserAsync(bob);
        await using (bobClient)
        {
            var chat = await bobClient.OpenDirectChatAsync((await bobClient.SearchUsersAsync(alice)).Single().UserId);
            await using var bobEvents = new EventLog(bobClient);
            await bobClient.ConnectAsync();

            await using var listen = _cli.StartLive("listen", "--profile", "alice", "--json");
            await listen.WaitForLineAsync(l => Type(l) == "connection" && Field(Event(l), "state").GetString() == "connected", "connected");

            await bobClient.SetTypingAsync(chat.ConversationId, typing: true);
            var typing = Event(await listen.WaitForLineAsync(l => Type(l) == "typing", "typing"));
            Assert.Equal((bobClient.UserId, true), (Field(typing, "user_id").GetString(), Field(typing, "is_typing").GetBoolean()));

            var sent = await bobClient.SendAsync(chat.ConversationId, "are you there?");
            var message = Event(await listen.WaitForLineAsync(l => Type(l) == "message" && Event(l).TryGetProperty("text", out _), "the message"));
            Assert.Equal(
                (chat.ConversationId, sent.Seq, "are you there?", bobClient.UserId, sent.ClientMsgId),
                (Field(message, "conversation_id").GetString(), Field(message, "seq").GetInt64(), Field(message, "text").GetString(), Field(message, "sender_id").GetString(), Field(message, "client_msg_id").GetString()));

            // Bob's tick: Alice's listen acked the delivery by itself.
            await bobEvents.WaitForAsync<ReceiptChanged>(r => r.Receipt.ConversationId == chat.ConversationId && r.Receipt.DeliveredToAllSeq >= sent.Seq, "delivered to Alice's listen");

            Assert.Equal(0, await listen.InterruptAsync());
            Assert.Single(listen.Lines, l => Type(l) == "message" && Event(l).TryGetProperty("text", out _));
        }
    }

    [Fact]
    public async Task Given_the_interactive_view_on_a_terminal_When_a_line_is_typed_and_the_other_side_replies_Then_it_is_sent_and_the_reply_typing_and_ticks_appear()
    {
        var (alice, bob) = (NewName(), NewName());
        await RunOkAsync("register", alice, "--password", Password);
        await RunOkAsync("login", alice, "--password", Password, "--profile", "alice");
        await using var bobClient = await NewSdkUserAsync(bob);
        await using var bobEvents = new EventLog(bobClient);
        await bobClient.ConnectAsync();

        await using var terminal = await TmuxPane.StartAsync(_cli.Environment, "dotnet", ChatCli.Assembly, "open", bob, "--profile", "alice");
        await terminal.WaitForAsync("Type and press Enter to send");
        await terminal.WaitForAsync($"{bob} is online");

        // The first key says "typing" to Bob; Enter sends the line.
        await terminal.TypeAsync("hello from a terminal");
        await bobEvents.WaitForAsync<TypingChanged>(t => t.Typing.UserId != bobClient.UserId && t.Typing.IsTyping, "Alice typing");
        await terminal.PressEnterAsync();
        var received = await bobEvents.WaitForAsync<MessageReceived>(m => m.Message.Text == "hello from a terminal", "Alice's line");
        await terminal.WaitForAsync($"✓ sent (#{received.Message.Seq})");
        // The acknowledgement and the stream's copy of the message come in either order.
        await terminal.WaitForAsync("you: hello from a terminal");
        var screen = await terminal.ScreenAsync();
        Assert.Single(screen.Split('\n'), l => l.Contains("hello from a terminal", StringComparison.Ordinal)); // the typed line made way for the message
        Assert.Contains($"{received.Message.Seq} ", screen.Split('\n').Single(l => l.Contains("you: hello from a terminal", StringComparison.Ordinal)), StringComparison.Ordinal);

        // Bob's client acked delivery; Bob reads: the view shows both ticks.
        await terminal.WaitForAsync($"✓✓ delivered (#{received.Message.Seq})");
        await bobClient.MarkReadAsync(received.Message.ConversationId, received.Message.Seq);
        await terminal.WaitForAsync($"✓✓ read (#{received.Message.Seq})");

        // Bob types and replies: both appear; the reply on screen counts as read.
        await bobClient.SetTypingAsync(received.Message.ConversationId, typing: true);
        await terminal.WaitForAsync($"{bob} is typing…");
        var reply = await bobClient.SendAsync(received.Message.ConversationId, "hi alice, I see you");
        await terminal.WaitForAsync($"{bob}: hi alice, I see you");
        await bobEvents.WaitForAsync<ReceiptChanged>(r => r.Receipt.UserId != bobClient.UserId && r.Receipt.ReadByAllSeq >= reply.Seq, "read by the view");

        await terminal.TypeAsync("/quit");
        await terminal.PressEnterAsync();
        Assert.Equal(0, await terminal.WaitForExitAsync());
        Assert.Single(bobEvents.Texts(received.Message.ConversationId), m => m.SenderId != bobClient.UserId);
    }

    private static string NewName() => "cli_" + Guid.NewGuid().ToString("N")[..12];

    private static JsonElement Json(CliResult result) =>
        result.Lines.Length == 1 ? JsonDocument.Parse(result.Lines[0]).RootElement : throw new Xunit.Sdk.XunitException($"Not one JSON line: {result}");

    private static string? Type(string line) => line.StartsWith('{') ? JsonDocument.Parse(line).RootElement.GetProperty("type").GetString() : null;

    private static JsonElement Event(string line) => JsonDocument.Parse(line).RootElement.GetProperty("event");

    /// <summary>A property of a JSON object, or a failure that shows the object.</summary>
    private static JsonElement Field(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : throw new Xunit.Sdk.XunitException($"No \"{name}\" in {element}");

    private async Task<ChatClient> NewSdkUserAsync(string username)
    {
        var options = server.Options();
        await ChatClient.RegisterAsync(options, username, Password, displayName: username);
        return await ChatClient.LoginAsync(options, username, Password);
    }

    private Task<CliResult> RunOkAsync(params string[] args) => RunOkAsync(args, null);

    private async Task<CliResult> RunOkAsync(string[] args, string? stdin)
    {
        var result = await _cli.RunAsync(args, stdin);
        Assert.True(result.ExitCode == 0, $"chat {string.Join(' ', args)}: {result}");
        return result;
    }
}
