using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

public sealed class DeliveryTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_B_online_When_A_sends_Then_B_gets_it_once_A_gets_the_sent_ack_and_As_other_device_gets_it_too()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var alicesTablet = await host.Channel.LoginAsync(alice.Username, "tablet");
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);

        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(chat, 1));
        await using var tablet = await DeviceStream.ConnectAsync(host.Channel, alicesTablet, Cursor(chat, 1));
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(chat, 1));
        await Task.WhenAll(alicePhone.CaughtUpAsync(), tablet.CaughtUpAsync(), bobPhone.CaughtUpAsync());

        var clientMsgId = Guid.NewGuid().ToString();
        await alicePhone.SendTextAsync(chat.ConversationId, "hello bob", clientMsgId);

        var ack = (await alicePhone.NextAsync(e => e.SendAccepted is not null)).SendAccepted;
        Assert.Equal(clientMsgId, ack.ClientMsgId);
        Assert.Equal(2, ack.Seq);

        var atBob = Assert.Single(await bobPhone.MessagesAsync(chat.ConversationId, 1));
        Assert.Equal(("hello bob", 2L, alice.UserId), (atBob.Text, atBob.Seq, atBob.SenderId));
        var atTablet = Assert.Single(await tablet.MessagesAsync(chat.ConversationId, 1));
        Assert.Equal(ack.MessageId, atTablet.MessageId);

        // Nothing twice: the next message Bob gets is the next one sent.
        await alicePhone.SendTextAsync(chat.ConversationId, "second");
        Assert.Equal(["second"], (await bobPhone.MessagesAsync(chat.ConversationId, 1)).Select(m => m.Text));
    }

    [Fact]
    public async Task Given_B_offline_for_500_messages_When_B_reconnects_Then_all_arrive_in_order_once_with_live_ones_during_catch_up()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        for (var i = 1; i <= 500; i++)
        {
            await host.Channel.SendAsync(alice, chat.ConversationId, $"offline {i}");
        }

        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(chat, 1));
        var live = Task.Run(async () =>
        {
            for (var i = 1; i <= 50; i++)
            {
                await host.Channel.SendAsync(alice, chat.ConversationId, $"live {i}");
            }
        });

        var received = await bobPhone.MessagesAsync(chat.ConversationId, 550);
        await live;

        Assert.Equal(Enumerable.Range(2, 550).Select(s => (long)s), received.Select(m => m.Seq));
        Assert.Equal(
            Enumerable.Range(1, 500).Select(i => $"offline {i}").Concat(Enumerable.Range(1, 50).Select(i => $"live {i}")),
            received.Select(m => m.Text));
        var stragglers = bobPhone.Drain().Where(e => e.Message is not null).ToList();
        Assert.Empty(stragglers);
    }

    [Fact]
    public async Task Given_a_send_whose_ack_was_lost_When_resent_with_the_same_client_msg_id_Then_one_message_is_stored_and_delivered_once()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(chat, 1));
        await bobPhone.CaughtUpAsync();

        var clientMsgId = Guid.NewGuid().ToString();
        await using (var dropped = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(chat, 1)))
        {
            await dropped.SendTextAsync(chat.ConversationId, "once", clientMsgId);
            await dropped.NextAsync(e => e.SendAccepted is not null);
        }

        await using var reconnected = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(chat, 2));
        await reconnected.SendTextAsync(chat.ConversationId, "once", clientMsgId);
        var secondAck = (await reconnected.NextAsync(e => e.SendAccepted is not null)).SendAccepted;
        var unaryAck = await host.Channel.SendAsync(alice, chat.ConversationId, "once", clientMsgId);

        Assert.Equal(2, secondAck.Seq);
        Assert.Equal(secondAck, unaryAck);
        await host.Channel.SendAsync(alice, chat.ConversationId, "after");
        Assert.Equal(["once", "after"], (await bobPhone.MessagesAsync(chat.ConversationId, 2)).Select(m => m.Text));
        var history = await host.Channel.Conversations().GetMessagesAsync(
            new GetMessagesRequest { ConversationId = chat.ConversationId, Direction = Direction.After }, alice.Auth);
        Assert.Equal([1L, 2L, 3L], history.Messages.Select(m => m.Seq));
    }

    internal static ConversationCursor Cursor(Conversation conversation, long seq) => new() { ConversationId = conversation.ConversationId, Seq = seq };
}
