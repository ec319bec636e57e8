using ChatMonolith.Client;

namespace ChatMonolith.Client.Tests;

[Collection(SdkCollection.Name)]
public sealed class TwoClientsChatTests(ChatServer server) : IClassFixture<ChatServer>
{
    [Fact]
    public async Task Given_two_connected_clients_When_they_chat_Then_messages_receipts_presence_and_typing_arrive_as_events_in_order()
    {
        await using var alice = await server.NewUserAsync();
        await using var bob = await server.NewUserAsync();
        var chat = await alice.OpenDirectChatAsync(bob.UserId);
        await using var aliceEvents = new EventLog(alice);
        await using var bobEvents = new EventLog(bob);
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        Assert.Equal(ConnectionState.Connected, alice.State);

        // Presence: Alice watches Bob, who is online.
        await alice.WatchPresenceAsync([bob.UserId]);
        await aliceEvents.WaitForAsync<PresenceChanged>(p => p.Presence.UserId == bob.UserId && p.Presence.State == PresenceState.Online, "Bob online");

        // Typing: Bob starts; Alice hears it, then his message ends it.
        await bob.SetTypingAsync(chat.ConversationId, typing: true);
        var typing = await aliceEvents.WaitForAsync<TypingChanged>(t => t.Typing.UserId == bob.UserId && t.Typing.IsTyping, "Bob typing");
        Assert.Equal(chat.ConversationId, typing.Typing.ConversationId);
        var reply = await bob.SendAsync(chat.ConversationId, "hi alice");
        await aliceEvents.WaitForAsync<TypingChanged>(t => t.Typing.UserId == bob.UserId && !t.Typing.IsTyping, "Bob no longer typing");

        // Messages: ten in a row, each acknowledged with its seq, received once and in order.
        var sent = new List<SentMessage>();
        for (var i = 0; i < 10; i++)
        {
            sent.Add(await alice.SendAsync(chat.ConversationId, $"m{i}"));
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => reply.Seq + 1 + i), sent.Select(s => s.Seq));
        await bobEvents.WaitUntilAsync(l => l.Texts(chat.ConversationId).Count == 11, "eleven texts at Bob");
        var atBob = bobEvents.Texts(chat.ConversationId);
        Assert.Equal(["hi alice", .. Enumerable.Range(0, 10).Select(i => $"m{i}")], atBob.Select(m => m.Text));
        Assert.Equal(atBob.Select(m => m.Seq).Order(), atBob.Select(m => m.Seq));
        Assert.Equal(sent.Select(s => s.ClientMsgId), atBob.Skip(1).Select(m => m.ClientMsgId));
        await aliceEvents.WaitUntilAsync(l => l.Events.OfType<MessageSent>().Count() == 10, "a MessageSent for each of Alice's sends");
        Assert.Equal(sent, aliceEvents.Events.OfType<MessageSent>().Select(m => m.Sent).Where(s => s.ConversationId == chat.ConversationId && s.Seq > reply.Seq));

        // Receipts: Bob's client acked delivery by itself; Bob reads; Alice gets both ticks and the message info.
        var last = sent[^1].Seq;
        await aliceEvents.WaitForAsync<ReceiptChanged>(r => r.Receipt.UserId == bob.UserId && r.Receipt.DeliveredToAllSeq >= last, "delivered tick");
        var read = await bob.MarkReadAsync(chat.ConversationId, last);
        Assert.Equal((last, 0L), (read.ReadSeq, read.UnreadCount));
        await aliceEvents.WaitForAsync<ReceiptChanged>(r => r.Receipt.UserId == bob.UserId && r.Receipt.ReadByAllSeq >= last, "read tick");
        var info = Assert.Single(await alice.GetMessageInfoAsync(chat.ConversationId, last), m => m.UserId == bob.UserId);
        Assert.NotNull(info.DeliveredAt);
        Assert.NotNull(info.ReadAt);

        // Bob leaves: his goodbye makes him offline at once, with a last seen.
        await bob.DisposeAsync();
        var offline = await aliceEvents.WaitForAsync<PresenceChanged>(p => p.Presence.UserId == bob.UserId && p.Presence.State == PresenceState.Offline, "Bob offline");
        Assert.NotNull(offline.Presence.LastSeenAt);

        // Never twice: Alice's own texts came back once each, in seq order, beside their acknowledgements.
        var atAlice = aliceEvents.Texts(chat.ConversationId);
        Assert.Equal(atAlice.Select(m => m.Seq).Distinct().Count(), atAlice.Count);
        Assert.Equal(atAlice.Select(m => m.Seq).Order(), atAlice.Select(m => m.Seq));
    }

    [Fact]
    public async Task Given_a_send_the_server_refuses_for_good_When_it_is_answered_Then_SendAsync_throws_with_the_reason_and_the_stream_goes_on()
    {
        await using var alice = await server.NewUserAsync();
        await using var bob = await server.NewUserAsync();
        var chat = await alice.OpenDirectChatAsync(bob.UserId);
        await using var events = new EventLog(alice);
        await alice.ConnectAsync();

        var refused = await Assert.ThrowsAsync<ChatException>(() => alice.SendAsync(Guid.NewGuid().ToString(), "to nowhere"));
        Assert.Equal((Grpc.Core.StatusCode.NotFound, "CONVERSATION_NOT_FOUND"), (refused.Code, refused.Reason));
        var empty = await Assert.ThrowsAsync<ChatException>(() => alice.SendAsync(chat.ConversationId, "   "));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, empty.Code);
        Assert.Contains("text", empty.InvalidFields);

        var fine = await alice.SendAsync(chat.ConversationId, "still here");
        Assert.True(fine.Seq > 0);
        Assert.Equal(ConnectionState.Connected, alice.State);
        Assert.Equal(2, events.Events.OfType<SendFailed>().Count());
    }

    [Fact]
    public async Task Given_a_client_without_a_stream_When_it_uses_the_calls_Then_groups_history_and_devices_work_with_the_servers_reasons()
    {
        await using var alice = await server.NewUserAsync();
        await using var bob = await server.NewUserAsync();
        await using var carol = await server.NewUserAsync();

        var group = await alice.CreateGroupAsync("book club", [bob.UserId]);
        Assert.Equal(ConversationKind.Group, group.Kind);
        await alice.AddMembersAsync(group.ConversationId, [carol.UserId]);
        await alice.RenameGroupAsync(group.ConversationId, "book club 📚");
        var notAdmin = await Assert.ThrowsAsync<ChatException>(() => bob.RemoveMemberAsync(group.ConversationId, carol.UserId));
        Assert.Equal((Grpc.Core.StatusCode.PermissionDenied, "NOT_AN_ADMIN"), (notAdmin.Code, notAdmin.Reason));
        await carol.LeaveGroupAsync(group.ConversationId);
        for (var i = 0; i < 5; i++)
        {
            await alice.SendAsync(group.ConversationId, $"page {i}");
        }

        var newest = await bob.GetMessagesAsync(group.ConversationId, pageSize: 3);
        Assert.Equal(["page 2", "page 3", "page 4"], newest.Messages.Select(m => m.Text));
        Assert.True(newest.HasMore);
        var older = await bob.GetMessagesAsync(group.ConversationId, newest.NextAnchorSeq, pageSize: 100);
        Assert.Contains(older.Messages, m => m.Change?.Kind == SystemChangeKind.GroupRenamed && m.Change.Title == "book club 📚");

        var list = await bob.ListConversationsAsync();
        var listed = Assert.Single(list.Conversations, c => c.ConversationId == group.ConversationId);
        Assert.Equal("book club 📚", listed.Title);
        Assert.True(listed.UnreadCount > 0);

        var devices = await alice.ListDevicesAsync();
        Assert.Equal(alice.DeviceId, Assert.Single(devices, d => d.IsCurrent).DeviceId);
        await alice.LogoutAsync();
        var signedOut = await Assert.ThrowsAsync<ChatException>(() => alice.ListConversationsAsync());
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, signedOut.Code);
    }
}
