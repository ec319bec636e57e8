using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Features.Conversations;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using static ChatMonolith.Modules.Messaging.Tests.Features.DeliveryTests;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

public sealed class MembershipTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_a_direct_chat_When_either_user_opens_it_again_Then_it_is_the_same_conversation()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();

        var opened = await Task.WhenAll(
            Enumerable.Range(0, 30).Select(i => i % 2 == 0 ? host.Channel.OpenDirectChatAsync(alice, bob) : host.Channel.OpenDirectChatAsync(bob, alice)));

        Assert.Single(opened.Select(c => c.ConversationId).Distinct());
        Assert.Equal(1, opened[0].LastSeq);
    }

    [Fact]
    public async Task Given_a_group_change_started_inside_the_host_not_by_a_call_When_it_commits_Then_the_members_devices_hear_it()
    {
        var admin = await host.Channel.RegisterAndLoginAsync();
        var member = await host.Channel.RegisterAndLoginAsync();
        var group = await host.Channel.CreateGroupAsync(admin, "before", [member]);
        await using var phone = await DeviceStream.ConnectAsync(host.Channel, member, Cursor(group, 1));
        await phone.CaughtUpAsync();

        // As a handler or a scheduled job would run it: through the bus, with no gRPC call around it.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var caller = new Caller(Guid.Parse(admin.UserId), Guid.Parse(admin.DeviceId));
            await scope.ServiceProvider.GetRequiredService<IMessageBus>()
                .InvokeAsync<ConversationChange>(new RenameGroup(caller, Guid.Parse(group.ConversationId), "after"));
        }

        Assert.Equal("after", (await phone.NextAsync(e => e.ConversationChanged is not null)).ConversationChanged.Conversation.Title);
        var entry = (await phone.NextAsync(e => e.Message?.ConversationId == group.ConversationId)).Message;
        Assert.Equal((2L, SystemEvent.Types.Kind.GroupRenamed, "after"), (entry.Seq, entry.System.Kind, entry.System.Title));
    }

    [Fact]
    public async Task Given_a_removed_member_When_the_group_talks_on_Then_they_get_nothing_more_and_history_stops_at_their_removal()
    {
        var admin = await host.Channel.RegisterAndLoginAsync();
        var stays = await host.Channel.RegisterAndLoginAsync();
        var removed = await host.Channel.RegisterAndLoginAsync();
        var group = await host.Channel.CreateGroupAsync(admin, "book club", [stays, removed]);
        await using var removedPhone = await DeviceStream.ConnectAsync(host.Channel, removed, Cursor(group, 1));
        await using var staysPhone = await DeviceStream.ConnectAsync(host.Channel, stays, Cursor(group, 1));
        await Task.WhenAll(removedPhone.CaughtUpAsync(), staysPhone.CaughtUpAsync());

        await host.Channel.SendAsync(admin, group.ConversationId, "before");
        var removal = await host.Channel.Conversations().RemoveMemberAsync(
            new RemoveMemberRequest { ConversationId = group.ConversationId, UserId = removed.UserId }, admin.Auth);
        await host.Channel.SendAsync(admin, group.ConversationId, "after");

        var changed = (await staysPhone.NextAsync(e => e.ConversationChanged is not null)).ConversationChanged.Conversation;
        Assert.Equal(new[] { admin.UserId, stays.UserId }.Order(), changed.Members.Select(m => m.UserId).Order());
        Assert.Equal(removal.Seq, changed.LastSeq);

        // The member who stays sees all three; the removed one sees up to their removal, which is the last thing they get.
        Assert.Equal([2L, 3L, 4L], (await staysPhone.MessagesAsync(group.ConversationId, 3)).Select(m => m.Seq));
        var seen = await removedPhone.MessagesAsync(group.ConversationId, 2);
        Assert.Equal([2L, removal.Seq], seen.Select(m => m.Seq));
        Assert.Equal(SystemEvent.Types.Kind.MemberRemoved, seen[1].System.Kind);
        await host.Channel.SendAsync(admin, group.ConversationId, "later still");
        await staysPhone.MessagesAsync(group.ConversationId, 1);
        Assert.DoesNotContain(removedPhone.Drain(), e => e.Message is not null);

        var history = await host.Channel.Conversations().GetMessagesAsync(
            new GetMessagesRequest { ConversationId = group.ConversationId, Direction = Direction.After }, removed.Auth);
        Assert.Equal([1L, 2L, 3L], history.Messages.Select(m => m.Seq));
        var refused = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied,
            () => host.Channel.SendAsync(removed, group.ConversationId, "let me back"));
        Assert.Equal("NOT_A_MEMBER", refused.Reason());

        var stranger = await host.Channel.RegisterAndLoginAsync();
        // A stranger cannot tell an existing conversation from an unknown id: the answers are the same, word for word.
        var strangerRead = await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.Conversations().GetMessagesAsync(
            new GetMessagesRequest { ConversationId = group.ConversationId, Direction = Direction.Before }, stranger.Auth).ResponseAsync);
        var unknownRead = await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.Conversations().GetMessagesAsync(
            new GetMessagesRequest { ConversationId = Guid.NewGuid().ToString(), Direction = Direction.Before }, stranger.Auth).ResponseAsync);
        Assert.Equal((unknownRead.Reason(), unknownRead.Status.Detail), (strangerRead.Reason(), strangerRead.Status.Detail));
        var strangerSend = await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.SendAsync(stranger, group.ConversationId, "hello?"));
        var unknownSend = await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.SendAsync(stranger, Guid.NewGuid().ToString(), "hello?"));
        Assert.Equal((unknownSend.Reason(), unknownSend.Status.Detail), (strangerSend.Reason(), strangerSend.Status.Detail));
    }

    [Fact]
    public async Task Given_a_member_who_was_removed_When_the_group_is_renamed_and_changes_members_Then_they_see_it_only_as_it_was_when_they_left()
    {
        var admin = await host.Channel.RegisterAndLoginAsync();
        var removed = await host.Channel.RegisterAndLoginAsync();
        var leavesLater = await host.Channel.RegisterAndLoginAsync();
        var addedLater = await host.Channel.RegisterAndLoginAsync();
        var conversations = host.Channel.Conversations();
        var group = await host.Channel.CreateGroupAsync(admin, "book club", [removed, leavesLater]);
        await conversations.RenameGroupAsync(new RenameGroupRequest { ConversationId = group.ConversationId, Title = "reading circle" }, admin.Auth);
        var removal = await conversations.RemoveMemberAsync(new RemoveMemberRequest { ConversationId = group.ConversationId, UserId = removed.UserId }, admin.Auth);

        await conversations.RenameGroupAsync(new RenameGroupRequest { ConversationId = group.ConversationId, Title = "secret plans" }, admin.Auth);
        await conversations.AddMembersAsync(new AddMembersRequest { ConversationId = group.ConversationId, UserIds = { addedLater.UserId } }, admin.Auth);
        await conversations.LeaveGroupAsync(new LeaveGroupRequest { ConversationId = group.ConversationId }, leavesLater.Auth);
        await host.Channel.SendAsync(admin, group.ConversationId, "now that they are gone");

        var asSeen = (await conversations.GetConversationAsync(new GetConversationRequest { ConversationId = group.ConversationId }, removed.Auth)).Conversation;
        var listed = Assert.Single((await conversations.ListConversationsAsync(new ListConversationsRequest(), removed.Auth)).Conversations);
        foreach (var view in new[] { asSeen, listed })
        {
            Assert.Equal("reading circle", view.Title);
            Assert.Equal(new[] { admin.UserId, leavesLater.UserId }.Order(), view.Members.Select(m => m.UserId).Order());
            Assert.Equal(removal.Seq, view.LastSeq);
            Assert.Equal(removal.Seq, view.RemovedSeq);
        }

        // A member sees the group as it is.
        var now = (await conversations.GetConversationAsync(new GetConversationRequest { ConversationId = group.ConversationId }, admin.Auth)).Conversation;
        Assert.Equal("secret plans", now.Title);
        Assert.Equal(new[] { admin.UserId, addedLater.UserId }.Order(), now.Members.Select(m => m.UserId).Order());
    }

    [Fact]
    public async Task Given_a_member_who_is_not_an_admin_When_managing_the_group_Then_each_change_is_refused()
    {
        var admin = await host.Channel.RegisterAndLoginAsync();
        var member = await host.Channel.RegisterAndLoginAsync();
        var outsider = await host.Channel.RegisterAndLoginAsync();
        var group = await host.Channel.CreateGroupAsync(admin, "team", [member]);
        var conversations = host.Channel.Conversations();

        var add = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => conversations.AddMembersAsync(
            new AddMembersRequest { ConversationId = group.ConversationId, UserIds = { outsider.UserId } }, member.Auth).ResponseAsync);
        var rename = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => conversations.RenameGroupAsync(
            new RenameGroupRequest { ConversationId = group.ConversationId, Title = "mine now" }, member.Auth).ResponseAsync);
        Assert.Equal("NOT_AN_ADMIN", add.Reason());
        Assert.Equal("NOT_AN_ADMIN", rename.Reason());

        await conversations.SetMemberRoleAsync(new SetMemberRoleRequest { ConversationId = group.ConversationId, UserId = member.UserId, Role = MemberRole.Admin }, admin.Auth);
        await conversations.RenameGroupAsync(new RenameGroupRequest { ConversationId = group.ConversationId, Title = "ours" }, member.Auth);
        await conversations.LeaveGroupAsync(new LeaveGroupRequest { ConversationId = group.ConversationId }, admin.Auth);
        var lastAdmin = await RpcAssert.FailsWithAsync(StatusCode.FailedPrecondition, () => conversations.SetMemberRoleAsync(
            new SetMemberRoleRequest { ConversationId = group.ConversationId, UserId = member.UserId, Role = MemberRole.Member }, member.Auth).ResponseAsync);
        Assert.Equal("LAST_ADMIN", lastAdmin.Reason());

        var state = (await conversations.GetConversationAsync(new GetConversationRequest { ConversationId = group.ConversationId }, member.Auth)).Conversation;
        Assert.Equal("ours", state.Title);
        Assert.Equal([member.UserId], state.Members.Select(m => m.UserId));
        Assert.Equal(4, state.LastSeq); // created, promoted, renamed, left
    }

    [Fact]
    public async Task Given_a_fresh_device_of_an_existing_user_When_it_syncs_Then_it_gets_the_whole_history_page_by_page()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var carol = await host.Channel.RegisterAndLoginAsync();
        var withBob = await host.Channel.OpenDirectChatAsync(alice, bob);
        var group = await host.Channel.CreateGroupAsync(carol, "trio", [alice, bob]);
        for (var i = 0; i < 30; i++)
        {
            await host.Channel.SendAsync(bob, withBob.ConversationId, $"direct {i}");
            await host.Channel.SendAsync(carol, group.ConversationId, $"group {i}");
        }

        var laptop = await host.Channel.LoginAsync(alice.Username, "new laptop");
        var synced = new List<Message>();
        var cursor = "";
        SyncResponse page;
        do
        {
            page = await host.Channel.Conversations().SyncAsync(new SyncRequest { Cursor = cursor, PageSize = 7 }, laptop.Auth);
            Assert.True(page.Messages.Count <= 7);
            synced.AddRange(page.Messages);
            cursor = page.NextCursor;
        }
        while (page.HasMore);

        foreach (var conversationId in new[] { withBob.ConversationId, group.ConversationId })
        {
            Assert.Equal(Enumerable.Range(1, 31).Select(s => (long)s), synced.Where(m => m.ConversationId == conversationId).Select(m => m.Seq));
        }

        var nothingNew = await host.Channel.Conversations().SyncAsync(new SyncRequest { Cursor = cursor }, laptop.Auth);
        Assert.Empty(nothingNew.Messages);
        await host.Channel.SendAsync(bob, withBob.ConversationId, "one more");
        var incremental = await host.Channel.Conversations().SyncAsync(new SyncRequest { Cursor = cursor }, laptop.Auth);
        Assert.Equal(["one more"], incremental.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Given_conversations_with_activity_When_listing_Then_the_newest_comes_first_with_its_preview_page_by_page()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var others = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.Channel.RegisterAndLoginAsync()));
        var chats = new List<Conversation>();
        foreach (var other in others)
        {
            chats.Add(await host.Channel.OpenDirectChatAsync(alice, other));
        }

        await host.Channel.SendAsync(others[1], chats[1].ConversationId, "newest");

        var first = await host.Channel.Conversations().ListConversationsAsync(new ListConversationsRequest { PageSize = 2 }, alice.Auth);
        var second = await host.Channel.Conversations().ListConversationsAsync(new ListConversationsRequest { PageSize = 2, Cursor = first.NextCursor }, alice.Auth);

        Assert.Equal(chats[1].ConversationId, first.Conversations[0].ConversationId);
        Assert.Equal("newest", first.Conversations[0].LastMessage.Text);
        Assert.Equal(1, first.Conversations[0].UnreadCount);
        var all = first.Conversations.Concat(second.Conversations).ToList();
        Assert.Equal(3, all.Select(c => c.ConversationId).Distinct().Count());
        Assert.All(all.Skip(1), c => Assert.Equal(0, c.UnreadCount));
        Assert.Empty(second.NextCursor);

        // Replying means having read: the badge clears.
        await host.Channel.SendAsync(alice, chats[1].ConversationId, "got it");
        var after = await host.Channel.Conversations().ListConversationsAsync(new ListConversationsRequest { PageSize = 1 }, alice.Auth);
        Assert.Equal(0, after.Conversations[0].UnreadCount);
        var bobsView = await host.Channel.Conversations().GetConversationAsync(new GetConversationRequest { ConversationId = chats[1].ConversationId }, others[1].Auth);
        Assert.Equal(1, bobsView.Conversation.UnreadCount);
    }

    [Theory]
    [InlineData("%%%")] // not base64url
    [InlineData("a")] // not a whole byte
    [InlineData("AAAA")] // base64url, not the length of a cursor
    [InlineData("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")] // longer than any cursor
    public async Task Given_a_cursor_this_server_did_not_issue_When_listing_conversations_Then_the_answer_is_invalid_argument_naming_it(string cursor)
    {
        var alice = await host.Channel.RegisterAndLoginAsync();

        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => host.Channel.Conversations().ListConversationsAsync(new ListConversationsRequest { PageSize = 10, Cursor = cursor }, alice.Auth).ResponseAsync);
        Assert.Equal(["cursor"], invalid.ViolatedFields());
        Assert.Equal("INVALID_ARGUMENT", invalid.Reason());
    }
}
