using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;
using static ChatMonolith.Modules.Messaging.Tests.Features.DeliveryTests;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

public sealed class StreamLifecycleTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_an_open_stream_When_its_device_is_revoked_Then_the_stream_ends_at_once_with_unauthenticated()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var laptop = await host.Channel.LoginAsync(alice.Username, "laptop");
        await using var stream = await DeviceStream.ConnectAsync(host.Channel, laptop);
        await stream.CaughtUpAsync();

        // Identity publishes DeviceRevoked; Messaging, which holds the stream, hears it through Wolverine.
        await host.Channel.Identity().RevokeDeviceAsync(new RevokeDeviceRequest { DeviceId = laptop.DeviceId }, alice.Auth);

        var ended = await Assert.ThrowsAsync<RpcException>(() => stream.Completion.WaitAsync(DeviceStream.Timeout));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal("DEVICE_REVOKED", ended.Reason());
    }

    [Fact]
    public async Task Given_many_streams_opened_on_one_device_token_When_each_catches_up_Then_only_the_newest_stays_open_and_the_others_end_replaced()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var streams = new List<DeviceStream>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var stream = await DeviceStream.ConnectAsync(host.Channel, alice);
                await stream.CaughtUpAsync();
                streams.Add(stream);
            }

            foreach (var replaced in streams[..^1])
            {
                var ended = await Assert.ThrowsAsync<RpcException>(() => replaced.Completion.WaitAsync(DeviceStream.Timeout));
                Assert.Equal((StatusCode.Aborted, "STREAM_REPLACED"), (ended.StatusCode, ended.Reason()));
            }

            Assert.False(streams[^1].Completion.IsCompleted, "the newest stream ended too");
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Given_an_unknown_user_When_opening_a_chat_or_a_group_with_them_Then_the_answer_is_not_found()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var conversations = host.Channel.Conversations();

        var direct = await RpcAssert.FailsWithAsync(StatusCode.NotFound,
            () => conversations.OpenDirectChatAsync(new OpenDirectChatRequest { UserId = Guid.NewGuid().ToString() }, alice.Auth).ResponseAsync);
        var group = await RpcAssert.FailsWithAsync(StatusCode.NotFound,
            () => conversations.CreateGroupAsync(new CreateGroupRequest { Title = "ghosts", MemberIds = { Guid.NewGuid().ToString() } }, alice.Auth).ResponseAsync);
        Assert.Equal("USER_NOT_FOUND", direct.Reason());
        Assert.Equal("USER_NOT_FOUND", group.Reason());

        var self = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => conversations.OpenDirectChatAsync(new OpenDirectChatRequest { UserId = alice.UserId }, alice.Auth).ResponseAsync);
        Assert.Equal(["user_id"], self.ViolatedFields());
    }

    [Fact]
    public async Task Given_a_member_added_to_a_group_while_online_When_the_group_talks_Then_they_get_it_from_their_join_on()
    {
        var admin = await host.Channel.RegisterAndLoginAsync();
        var early = await host.Channel.RegisterAndLoginAsync();
        var late = await host.Channel.RegisterAndLoginAsync();
        var group = await host.Channel.CreateGroupAsync(admin, "growing", [early]);
        await host.Channel.SendAsync(admin, group.ConversationId, "before you came");
        await using var latePhone = await DeviceStream.ConnectAsync(host.Channel, late);
        await latePhone.CaughtUpAsync();

        var added = await host.Channel.Conversations().AddMembersAsync(
            new AddMembersRequest { ConversationId = group.ConversationId, UserIds = { late.UserId } }, admin.Auth);
        await host.Channel.SendAsync(early, group.ConversationId, "welcome");

        var seen = await latePhone.MessagesAsync(group.ConversationId, 2);
        Assert.Equal([added.Seq, added.Seq + 1], seen.Select(m => m.Seq));
        Assert.Equal(SystemEvent.Types.Kind.MembersAdded, seen[0].System.Kind);
        Assert.Equal("welcome", seen[1].Text);
        var changed = (await latePhone.NextAsync(e => e.ConversationChanged is not null)).ConversationChanged.Conversation;
        Assert.Contains(changed.Members, m => m.UserId == late.UserId && m.JoinedSeq == added.Seq);
    }

    [Fact]
    public async Task Given_a_member_removed_and_added_back_while_online_When_the_group_talks_Then_they_never_get_what_was_said_in_between()
    {
        var admin = await host.Channel.RegisterAndLoginAsync();
        var returning = await host.Channel.RegisterAndLoginAsync();
        var group = await host.Channel.CreateGroupAsync(admin, "revolving door", [returning]);
        await using var phone = await DeviceStream.ConnectAsync(host.Channel, returning, Cursor(group, 1));
        await phone.CaughtUpAsync();
        var conversations = host.Channel.Conversations();

        var removed = await conversations.RemoveMemberAsync(new RemoveMemberRequest { ConversationId = group.ConversationId, UserId = returning.UserId }, admin.Auth);
        await host.Channel.SendAsync(admin, group.ConversationId, "while you were away");
        var added = await conversations.AddMembersAsync(new AddMembersRequest { ConversationId = group.ConversationId, UserIds = { returning.UserId } }, admin.Auth);
        await host.Channel.SendAsync(admin, group.ConversationId, "welcome back");

        var seen = await phone.MessagesAsync(group.ConversationId, 3);
        Assert.Equal([removed.Seq, added.Seq, added.Seq + 1], seen.Select(m => m.Seq));
        Assert.Equal("welcome back", seen[2].Text);
        var history = await conversations.GetMessagesAsync(new GetMessagesRequest { ConversationId = group.ConversationId, Direction = Direction.After }, returning.Auth);
        Assert.DoesNotContain(history.Messages, m => m.Text == "while you were away");
    }
}
