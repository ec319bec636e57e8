using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>
/// Concurrent sends share transactions (group commit); what one of them does must not change the others' outcome. Run
/// once for each way of writing a batch (<see cref="GroupCommitInOneStatementTests"/>, <see cref="GroupCommitPerConversationTests"/>).
/// </summary>
public abstract class GroupCommitTests(ChatHostFixture host)
{
    [Fact]
    public async Task Given_concurrent_sends_with_refused_ones_and_twins_among_them_Then_each_gets_its_own_answer_and_seqs_stay_gapless()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => host.Channel.RegisterAndLoginAsync()));
        var chats = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => host.Channel.OpenDirectChatAsync(users[2 * i], users[(2 * i) + 1])));
        var stranger = users[10];
        var twinId = Guid.NewGuid().ToString();

        // 5 chats x 2 senders x 8 sends, 10 sends by a stranger, and one send twice with the same client_msg_id.
        var valid = chats.SelectMany((chat, i) => new[] { users[2 * i], users[(2 * i) + 1] }
            .SelectMany(sender => Enumerable.Range(0, 8).Select(n => (Sender: sender, Chat: chat, Text: $"{sender.UserId}:{n}"))))
            .ToList();
        var validSends = valid.Select(s => host.Channel.SendAsync(s.Sender, s.Chat.ConversationId, s.Text)).ToList();
        var strangerSends = chats.SelectMany(chat => new[] { chat, chat })
            .Select(chat => RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.SendAsync(stranger, chat.ConversationId, "let me in")))
            .ToList();
        var twins = Enumerable.Range(0, 2).Select(_ => host.Channel.SendAsync(users[0], chats[0].ConversationId, "twin", twinId)).ToList();

        var acks = await Task.WhenAll(validSends);
        var refusals = await Task.WhenAll(strangerSends);
        var twinAcks = await Task.WhenAll(twins);

        Assert.All(refusals, r => Assert.Equal("CONVERSATION_NOT_FOUND", r.Reason())); // as for an unknown id
        Assert.Equal(twinAcks[0].MessageId, twinAcks[1].MessageId);
        Assert.Equal(twinAcks[0].Seq, twinAcks[1].Seq);
        for (var i = 0; i < chats.Length; i++)
        {
            var stored = 16 + (i == 0 ? 1 : 0);
            var seqs = acks.Where((_, k) => valid[k].Chat == chats[i]).Select(a => a.Seq)
                .Concat(i == 0 ? [twinAcks[0].Seq] : [])
                .Order();
            Assert.Equal(Enumerable.Range(2, stored).Select(s => (long)s), seqs);
        }

        // Stored once each: the history holds exactly the acknowledged messages.
        var history = await host.Channel.Conversations().GetMessagesAsync(
            new GetMessagesRequest { ConversationId = chats[0].ConversationId, Direction = Direction.After, AnchorSeq = 1, PageSize = 100 }, users[0].Auth);
        Assert.Equal(Enumerable.Range(2, 17).Select(s => (long)s), history.Messages.Select(m => m.Seq));
        Assert.Single(history.Messages, m => m.Text == "twin");
    }

    [Fact]
    public async Task Given_sends_queued_while_their_conversation_is_locked_When_the_lock_is_released_Then_the_next_batch_stores_each_with_its_own_seq()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var phone = await DeviceStream.ConnectAsync(host.Channel, alice, new ConversationCursor { ConversationId = chat.ConversationId, Seq = 1 });
        await phone.CaughtUpAsync();

        // Another transaction holds the conversation's row: the batch with the first send waits for it.
        await using var held = await HeldConversation.HoldAsync(host.ConnectionString, chat.ConversationId);

        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid().ToString()).ToArray();
        await phone.SendTextAsync(chat.ConversationId, "first", ids[0]);
        await host.WaitForALockWaiterAsync();

        // Two more queue behind it; the stream queues its sends in order, so once an invalid request after them is
        // answered, both are queued and the writer takes them into its next batch together. (Not an invalid send: a
        // send's refusal waits for the answers of the sends before it.)
        await phone.SendTextAsync(chat.ConversationId, "second", ids[1]);
        await phone.SendTextAsync(chat.ConversationId, "third", ids[2]);
        await phone.SendAsync(new ClientEvent { MarkRead = new MarkReadRequest { ConversationId = "not a conversation id", Seq = 1 } });
        await phone.RejectedAsync(RequestRejected.Types.Request.MarkRead);
        await held.ReleaseAsync();

        var acks = new List<SendAccepted>();
        while (acks.Count < 3)
        {
            acks.Add((await phone.NextAsync(e => e.SendAccepted is not null)).SendAccepted);
        }

        // Answers of one batch reach the stream in the order of its sends.
        Assert.Equal(ids, acks.Select(a => a.ClientMsgId));
        Assert.Equal([2L, 3L, 4L], acks.Select(a => a.Seq));
        Assert.Equal(3, acks.Select(a => a.MessageId).Distinct().Count());
        var history = await host.Channel.Conversations().GetMessagesAsync(
            new GetMessagesRequest { ConversationId = chat.ConversationId, Direction = Direction.After, AnchorSeq = 1, PageSize = 10 }, alice.Auth);
        Assert.Equal(["first", "second", "third"], history.Messages.Select(m => m.Text));
    }
}

/// <summary>A batch in one statement: plain PostgreSQL's way.</summary>
public sealed class GroupCommitInOneStatementTests(ChatHostFixture host) : GroupCommitTests(host), IClassFixture<ChatHostFixture>;

/// <summary>A batch in statements of one conversation each: Citus's way.</summary>
public sealed class GroupCommitPerConversationTests(CitusStatementsFixture host) : GroupCommitTests(host), IClassFixture<CitusStatementsFixture>;
