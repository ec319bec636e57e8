using Grpc.Core;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Receipts.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Receipts.Tests.Features;

public sealed class ReceiptTicksTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_A_sends_to_B_When_B_receives_and_reads_Then_A_sees_sent_delivered_read_and_Bs_other_device_clears_its_unread()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var bobsTablet = await host.Channel.LoginAsync(bob.Username, "tablet");
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(chat));
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(chat));
        await using var tablet = await DeviceStream.ConnectAsync(host.Channel, bobsTablet, Cursor(chat));
        await Task.WhenAll(alicePhone.CaughtUpAsync(), bobPhone.CaughtUpAsync(), tablet.CaughtUpAsync());

        await alicePhone.SendTextAsync(chat.ConversationId, "did you get this?");
        var sent = (await alicePhone.NextAsync(e => e.SendAccepted is not null)).SendAccepted;

        var received = Assert.Single(await bobPhone.MessagesAsync(chat.ConversationId, 1));
        await bobPhone.AckAsync(chat.ConversationId, received.Seq);
        var delivered = await alicePhone.ReceiptAsync(bob.UserId);
        Assert.Equal((sent.Seq, sent.Seq, 0L, 0L), (delivered.DeliveredSeq, delivered.DeliveredToAllSeq, delivered.ReadSeq, delivered.ReadByAllSeq));
        Assert.NotNull(delivered.DeliveredAt);

        await bobPhone.MarkReadAsync(chat.ConversationId, received.Seq);
        var read = await alicePhone.ReceiptAsync(bob.UserId, r => r.ReadSeq > 0);
        Assert.Equal((sent.Seq, sent.Seq), (read.ReadSeq, read.ReadByAllSeq));
        Assert.NotNull(read.ReadAt);

        // Bob's tablet learns of his read: unread = last seq - read_seq = 0 there too, and in his conversation list.
        var atTablet = await tablet.ReceiptAsync(bob.UserId, r => r.ReadSeq > 0);
        Assert.Equal(0, sent.Seq - atTablet.ReadSeq);
        var list = await host.Channel.Conversations().ListConversationsAsync(new ListConversationsRequest(), bobsTablet.Auth);
        Assert.Equal(0, Assert.Single(list.Conversations).UnreadCount);
    }

    [Fact]
    public async Task Given_a_group_of_five_When_members_receive_and_read_at_their_own_pace_Then_the_ticks_follow_the_slowest_and_message_info_lists_each_to_the_sender_alone()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var others = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.Channel.RegisterAndLoginAsync()));
        var (bob, carol, dave, erin) = (others[0], others[1], others[2], others[3]);
        var group = await host.Channel.CreateGroupAsync(alice, "five", others);
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(group));
        await alicePhone.CaughtUpAsync();
        var seq = (await host.Channel.SendAsync(alice, group.ConversationId, "lunch?")).Seq;

        foreach (var member in new[] { bob, carol, dave })
        {
            await host.Channel.AckAsync(member, group.ConversationId, seq);
            var receipt = await alicePhone.ReceiptAsync(member.UserId);
            Assert.Equal(seq, receipt.DeliveredSeq);
            Assert.True(receipt.DeliveredToAllSeq < seq, "Erin has not received it yet");
        }

        await host.Channel.MarkReadAsync(bob, group.ConversationId, seq);
        await host.Channel.MarkReadAsync(carol, group.ConversationId, seq);
        var info = await host.Channel.Receipts().GetMessageInfoAsync(
            new GetMessageInfoRequest { ConversationId = group.ConversationId, Seq = seq }, alice.Auth);
        var byUser = info.Members.ToDictionary(m => m.UserId);
        Assert.Equal(others.Select(o => o.UserId).Order(), byUser.Keys.Order());
        Assert.All(new[] { bob, carol }, m => Assert.True(byUser[m.UserId] is { Delivered: true, Read: true, ReadAt: not null, DeliveredAt: not null }));
        Assert.True(byUser[dave.UserId] is { Delivered: true, DeliveredAt: not null, Read: false, ReadAt: null });
        Assert.True(byUser[erin.UserId] is { Delivered: false, DeliveredAt: null, Read: false });
        var asked = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => host.Channel.Receipts().GetMessageInfoAsync(
            new GetMessageInfoRequest { ConversationId = group.ConversationId, Seq = seq }, bob.Auth).ResponseAsync);
        Assert.Equal("NOT_THE_SENDER", asked.Reason()); // a member may not see who read someone else's message

        await host.Channel.AckAsync(erin, group.ConversationId, seq);
        Assert.Equal(seq, (await alicePhone.ReceiptAsync(erin.UserId)).DeliveredToAllSeq);
        await host.Channel.MarkReadAsync(dave, group.ConversationId, seq);
        Assert.True((await alicePhone.ReceiptAsync(dave.UserId, r => r.ReadSeq == seq)).ReadByAllSeq < seq, "Erin has not read it yet");
        await host.Channel.MarkReadAsync(erin, group.ConversationId, seq);
        Assert.Equal(seq, (await alicePhone.ReceiptAsync(erin.UserId, r => r.ReadSeq == seq)).ReadByAllSeq);
    }

    internal static ConversationCursor Cursor(Conversation conversation) => new() { ConversationId = conversation.ConversationId, Seq = conversation.LastSeq };
}
