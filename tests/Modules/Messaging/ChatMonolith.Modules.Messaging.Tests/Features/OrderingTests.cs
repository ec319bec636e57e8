using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using static ChatMonolith.Modules.Messaging.Tests.Features.DeliveryTests;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

public sealed class OrderingTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    /// <summary>
    /// Property: whatever the interleaving of concurrent senders, a conversation's seqs are exactly 1..N, each once,
    /// and every receiver sees the same order. Each seed generates another workload (how many each sender sends,
    /// and how they pace themselves); a failure names its seed.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Given_20_concurrent_senders_in_one_group_Then_seqs_are_gapless_unique_and_every_receiver_sees_one_order(int seed)
    {
        var random = new Random(seed);
        var senders = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.Channel.RegisterAndLoginAsync()));
        var listeners = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => host.Channel.RegisterAndLoginAsync()));
        var group = await host.Channel.CreateGroupAsync(senders[0], $"storm {seed}", senders.Skip(1).Concat(listeners));
        var counts = senders.Select(_ => random.Next(3, 13)).ToArray();
        var pauses = senders.Select(_ => random.Next(0, 3)).ToArray();
        var total = counts.Sum();

        var receivers = new List<DeviceStream>();
        foreach (var device in listeners.Append(senders[7]))
        {
            receivers.Add(await DeviceStream.ConnectAsync(host.Channel, device, Cursor(group, 1)));
        }

        await Task.WhenAll(receivers.Select(r => r.CaughtUpAsync()));
        var acks = await Task.WhenAll(senders.Select(async (sender, i) =>
        {
            var seqs = new List<long>();
            for (var n = 0; n < counts[i]; n++)
            {
                seqs.Add((await host.Channel.SendAsync(sender, group.ConversationId, $"{i}:{n}")).Seq);
                if (pauses[i] > 0)
                {
                    await Task.Yield();
                }
            }

            return seqs;
        }));

        var acknowledged = acks.SelectMany(s => s).Order().ToList();
        Assert.Equal(Enumerable.Range(2, total).Select(s => (long)s), acknowledged);
        var orders = new List<List<string>>();
        foreach (var receiver in receivers)
        {
            var received = await receiver.MessagesAsync(group.ConversationId, total);
            Assert.Equal(acknowledged, received.Select(m => m.Seq));
            orders.Add(received.Select(m => m.Text).ToList());
            await receiver.DisposeAsync();
        }

        Assert.All(orders, order => Assert.Equal(orders[0], order));
        // Each sender's own messages keep the order they were sent in.
        Assert.All(Enumerable.Range(0, 20), i =>
            Assert.Equal(Enumerable.Range(0, counts[i]).Select(n => $"{i}:{n}"), orders[0].Where(t => t.StartsWith($"{i}:", StringComparison.Ordinal))));
    }

    /// <summary>
    /// A stream reads on while its sends wait for their commit (more than the 64 that may wait at once here): each
    /// conversation still stores them in the order the device sent them, and a goodbye right after the last send
    /// still gets every answer before the stream ends.
    /// </summary>
    [Fact]
    public async Task Given_a_device_that_sends_a_burst_to_two_chats_without_waiting_When_it_says_goodbye_Then_all_are_stored_in_the_order_sent_and_answered()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var direct = await host.Channel.OpenDirectChatAsync(alice, bob);
        var group = await host.Channel.CreateGroupAsync(alice, "burst", [bob]);
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(direct, 1), Cursor(group, 1));
        await bobPhone.CaughtUpAsync();

        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(direct, 1), Cursor(group, 1));
        await alicePhone.CaughtUpAsync();
        var sent = Enumerable.Range(0, 150).Select(n => (Chat: n % 2 == 0 ? direct : group, Text: $"burst {n}", ClientMsgId: Guid.NewGuid().ToString())).ToList();
        foreach (var (chat, text, clientMsgId) in sent)
        {
            await alicePhone.SendTextAsync(chat.ConversationId, text, clientMsgId);
        }

        await alicePhone.CloseAsync();
        var acks = new List<SendAccepted>();
        while (acks.Count < sent.Count)
        {
            acks.Add((await alicePhone.NextAsync(e => e.SendAccepted is not null)).SendAccepted);
        }

        await alicePhone.Completion.WaitAsync(DeviceStream.Timeout);
        var seqOf = acks.ToDictionary(a => a.ClientMsgId, a => a.Seq);
        foreach (var chat in new[] { direct, group })
        {
            var ofChat = sent.Where(s => s.Chat == chat).ToList();
            Assert.Equal(Enumerable.Range(2, ofChat.Count).Select(s => (long)s), ofChat.Select(s => seqOf[s.ClientMsgId]));
            var received = await bobPhone.MessagesAsync(chat.ConversationId, ofChat.Count);
            Assert.Equal(ofChat.Select(s => s.Text), received.Select(m => m.Text));
        }
    }

    /// <summary>
    /// The answers of a stream's sends come in the order of its sends, whichever batch and conversation stored each, and
    /// a refusal takes its place among them: one refused at once (empty text), one refused by the commit (a
    /// conversation the sender is not in).
    /// </summary>
    [Fact]
    public async Task Given_pipelined_sends_to_two_chats_with_two_refused_among_them_Then_the_streams_answers_come_in_the_order_of_its_sends()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var carol = await host.Channel.RegisterAndLoginAsync();
        var direct = await host.Channel.OpenDirectChatAsync(alice, bob);
        var group = await host.Channel.CreateGroupAsync(alice, "in order", [bob]);
        var notAlices = await host.Channel.OpenDirectChatAsync(bob, carol);
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(direct, 1), Cursor(group, 1));
        await alicePhone.CaughtUpAsync();
        var sent = Enumerable.Range(0, 60).Select(n => (
            Chat: n == 37 ? notAlices : n % 2 == 0 ? direct : group,
            Text: n == 21 ? "" : $"in order {n}",
            ClientMsgId: Guid.NewGuid().ToString())).ToList();
        foreach (var (chat, text, clientMsgId) in sent)
        {
            await alicePhone.SendTextAsync(chat.ConversationId, text, clientMsgId);
        }

        var answers = new List<ServerEvent>();
        while (answers.Count < sent.Count)
        {
            answers.Add(await alicePhone.NextAsync(e => e.SendAccepted is not null || e.Rejected?.Request == RequestRejected.Types.Request.Send));
        }

        Assert.Equal(sent.Select(s => s.ClientMsgId), answers.Select(a => a.SendAccepted?.ClientMsgId ?? a.Rejected.ClientMsgId));
        Assert.Equal([21, 37], answers.Select((a, i) => (a, i)).Where(x => x.a.Rejected is not null).Select(x => x.i));
        Assert.Equal(("INVALID_ARGUMENT", "CONVERSATION_NOT_FOUND"), (answers[21].Rejected.Reason, answers[37].Rejected.Reason));
    }

    [Fact]
    public async Task Given_a_group_of_100_all_online_When_one_message_is_sent_Then_every_members_device_gets_it()
    {
        var members = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => host.Channel.RegisterAndLoginAsync()));
        var group = await host.Channel.CreateGroupAsync(members[0], "hundred", members.Skip(1));
        Assert.Equal(100, group.Members.Count);

        var streams = await Task.WhenAll(members.Select(m => DeviceStream.ConnectAsync(host.Channel, m, Cursor(group, 1))));
        await Task.WhenAll(streams.Select(s => s.CaughtUpAsync()));
        var ack = await host.Channel.SendAsync(members[42], group.ConversationId, "hello, everyone");

        var received = await Task.WhenAll(streams.Select(s => s.MessagesAsync(group.ConversationId, 1)));
        Assert.All(received, r => Assert.Equal(ack.MessageId, Assert.Single(r).MessageId));
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }
    }
}
