using ChatMonolith.Client;
using ChatMonolith.Client.Storage;

namespace ChatMonolith.Client.Tests;

[Collection(SdkCollection.Name)]
public sealed class ResilienceTests(ChatServer server) : IClassFixture<ChatServer>
{
    [Fact]
    public async Task Given_200_sends_under_way_When_the_host_is_killed_and_started_again_Then_each_arrives_once_in_order_and_each_SendAsync_completes_once()
    {
        const int total = 200;
        await using var alice = await server.NewUserAsync();
        await using var bob = await server.NewUserAsync();
        var chat = await alice.OpenDirectChatAsync(bob.UserId);
        await using var aliceEvents = new EventLog(alice);
        await using var bobEvents = new EventLog(bob);
        await alice.ConnectAsync();
        await bob.ConnectAsync();

        // Up to ten sends in flight at a time, as an app that does not wait for each tick before the next.
        using var window = new SemaphoreSlim(10);
        var completions = new int[total];
        var sends = new List<Task<SentMessage>>();
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                await window.WaitAsync();
                var index = i;
                sends.Add(Track(alice.SendAsync(chat.ConversationId, $"m{i}"), () => Interlocked.Increment(ref completions[index]), window));
            }
        });

        await bobEvents.WaitUntilAsync(l => l.Texts(chat.ConversationId).Count >= 50, "fifty at Bob before the kill");
        await server.KillAndRestartAsync();
        await sending.WaitAsync(TimeSpan.FromMinutes(2));
        var acknowledged = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(completions, c => Assert.Equal(1, c));
        Assert.Equal(total, acknowledged.Select(a => a.Seq).Distinct().Count());
        await bobEvents.WaitUntilAsync(l => l.Texts(chat.ConversationId).Count >= total, "all 200 at Bob", TimeSpan.FromMinutes(1));
        var atBob = bobEvents.Texts(chat.ConversationId);
        Assert.Equal(Enumerable.Range(0, total).Select(i => $"m{i}"), atBob.Select(m => m.Text));
        Assert.Equal(acknowledged.Select(a => a.Seq), atBob.Select(m => m.Seq));
        Assert.Equal(total, await server.StoredCopiesAsync(chat.ConversationId));

        // Both went through a reconnect, and came back by themselves.
        Assert.Contains(bobEvents.Events, e => e is ConnectionChanged { State: ConnectionState.Disconnected });
        Assert.Equal(ConnectionState.Connected, alice.State);
    }

    [Fact]
    public async Task Given_a_stored_send_whose_acknowledgement_is_lost_When_the_stream_is_cut_Then_the_resend_with_the_same_id_leaves_one_message()
    {
        await using var alice = await server.NewUserAsync();
        await using var bob = await server.NewUserAsync(server.DirectOptions());
        var chat = await alice.OpenDirectChatAsync(bob.UserId);
        await using var bobEvents = new EventLog(bob);
        await using var aliceEvents = new EventLog(alice);
        await alice.ConnectAsync();
        await bob.ConnectAsync();

        // What Alice sends still reaches the server; nothing the server says reaches her.
        server.Front.FreezeReplies();
        var send = alice.SendAsync(chat.ConversationId, "exactly once");
        var atBob = await bobEvents.WaitForAsync<MessageReceived>(m => m.Message.Text == "exactly once", "stored and delivered to Bob");
        Assert.False(send.IsCompleted, "the acknowledgement was lost, so SendAsync cannot have returned");

        await server.Front.CutAsync();
        server.Front.Resume();
        var sent = await send.WaitAsync(EventLog.Timeout);

        // The resend was answered with the first store's acknowledgement: same id, same seq, one copy.
        Assert.Equal((atBob.Message.ClientMsgId, atBob.Message.Seq), (sent.ClientMsgId, sent.Seq));
        await alice.SendAsync(chat.ConversationId, "after");
        await bobEvents.WaitForAsync<MessageReceived>(m => m.Message.Text == "after", "the next message");
        Assert.Single(bobEvents.Texts(chat.ConversationId), m => m.Text == "exactly once");
        Assert.Equal(2, await server.StoredCopiesAsync(chat.ConversationId));
        await aliceEvents.WaitUntilAsync(l => l.Texts(chat.ConversationId).Count == 2, "Alice's own two, once each, after the catch-up");
    }

    [Fact]
    public async Task Given_a_file_store_When_the_app_stops_mid_send_and_starts_again_Then_the_queued_send_goes_out_once_and_nothing_is_read_twice()
    {
        var folder = Directory.CreateTempSubdirectory("chat-sdk-store-");
        try
        {
            var aliceOptions = server.Options(new FileChatClientStore(Path.Combine(folder.FullName, "alice")));
            var bobOptions = server.Options(new FileChatClientStore(Path.Combine(folder.FullName, "bob")));
            var alice = await server.NewUserAsync(aliceOptions);
            var bob = await server.NewUserAsync(bobOptions);
            var chat = await alice.OpenDirectChatAsync(bob.UserId);
            await alice.SendAsync(chat.ConversationId, "before");
            var bobEvents = new EventLog(bob);
            await bob.ConnectAsync();
            await bobEvents.WaitForAsync<MessageReceived>(m => m.Message.Text == "before", "the first message at Bob");
            await bobEvents.DisposeAsync();
            await bob.DisposeAsync();

            // Alice's app is cut off from the server, sends, and is stopped before any answer.
            await alice.ConnectAsync();
            await server.Front.CutAsync();
            var lost = alice.SendAsync(chat.ConversationId, "queued while away");
            await alice.DisposeAsync();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => lost);
            var queued = Assert.Single(await aliceOptions.Store.LoadOutgoingAsync());
            Assert.Equal("queued while away", queued.Text);
            server.Front.Resume();

            // Both apps start again from their folders: the queued send goes out, Bob reads only what is new.
            await using var alice2 = await ChatClient.ResumeAsync(aliceOptions);
            await using var bob2 = await ChatClient.ResumeAsync(bobOptions);
            await using var alice2Events = new EventLog(alice2);
            await using var bob2Events = new EventLog(bob2);
            await alice2.ConnectAsync();
            await bob2.ConnectAsync();
            var sent = await alice2Events.WaitForAsync<MessageSent>(s => s.Sent.ClientMsgId == queued.ClientMsgId, "the queued send acknowledged");
            await bob2Events.WaitForAsync<MessageReceived>(m => m.Message.Text == "queued while away", "the queued send at Bob");
            Assert.Equal(["queued while away"], bob2Events.Texts(chat.ConversationId).Select(m => m.Text));
            Assert.Equal(sent.Sent.Seq, bob2Events.Texts(chat.ConversationId)[0].Seq);
            Assert.Equal(2, await server.StoredCopiesAsync(chat.ConversationId));

            // Once the app is done, its queue in the folder is empty again.
            await alice2.DisposeAsync();
            Assert.Empty(await aliceOptions.Store.LoadOutgoingAsync());

            // The session is private to its user.
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder.FullName, "alice", "session.json")));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder.FullName, "alice")));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<SentMessage> Track(Task<SentMessage> send, Action completed, SemaphoreSlim window)
    {
        try
        {
            var sent = await send;
            completed();
            return sent;
        }
        finally
        {
            window.Release();
        }
    }
}
