using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>Concurrent sends share transactions (group commit); what one of them does must not change the others' outcome.</summary>
public sealed class GroupCommitTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
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
            .Select(chat => RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => host.Channel.SendAsync(stranger, chat.ConversationId, "let me in")))
            .ToList();
        var twins = Enumerable.Range(0, 2).Select(_ => host.Channel.SendAsync(users[0], chats[0].ConversationId, "twin", twinId)).ToList();

        var acks = await Task.WhenAll(validSends);
        var refusals = await Task.WhenAll(strangerSends);
        var twinAcks = await Task.WhenAll(twins);

        Assert.All(refusals, r => Assert.Equal("NOT_A_MEMBER", r.Reason()));
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
}
