using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;
using static ChatMonolith.Modules.Receipts.Tests.Features.ReceiptTicksTests;

namespace ChatMonolith.Modules.Receipts.Tests.Features;

public sealed class ReceiptInputErrorTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_a_read_past_the_end_When_marked_Then_it_is_refused_with_INVALID_ARGUMENT_and_nothing_past_the_end_is_stored()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        var seq = (await host.Channel.SendAsync(alice, chat.ConversationId, "one")).Seq;

        var unary = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => host.Channel.Streams()
            .MarkReadAsync(new MarkReadRequest { ConversationId = chat.ConversationId, Seq = seq + 1 }, bob.Auth).ResponseAsync);
        Assert.Equal(["seq"], unary.ViolatedFields());

        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(chat));
        await bobPhone.CaughtUpAsync();
        await bobPhone.MarkReadAsync(chat.ConversationId, 1_000);
        var rejected = await bobPhone.RejectedAsync(RequestRejected.Types.Request.MarkRead);
        Assert.Equal(((int)StatusCode.InvalidArgument, chat.ConversationId), (rejected.Code, rejected.ConversationId));

        // The stream stays up, and a valid read still works and is stored as it is.
        await bobPhone.MarkReadAsync(chat.ConversationId, seq);
        Assert.Equal(seq, (await bobPhone.ReceiptAsync(bob.UserId, r => r.ReadSeq > 0)).ReadSeq);
        Assert.Equal((seq, seq), await StoredAsync(chat.ConversationId, bob.UserId));
        var marked = await host.Channel.MarkReadAsync(bob, chat.ConversationId, seq - 1);
        Assert.Equal((seq, 0L), (marked.ReadSeq, marked.UnreadCount));
    }

    [Fact]
    public async Task Given_a_conversation_the_user_was_never_in_When_they_ack_or_mark_read_Then_NOT_FOUND_as_for_an_unknown_id_on_the_call_and_on_the_stream()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var stranger = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);

        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.Streams()
            .MarkReadAsync(new MarkReadRequest { ConversationId = chat.ConversationId, Seq = 1 }, stranger.Auth).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.Receipts()
            .GetMessageInfoAsync(new Protos.Receipts.V1.GetMessageInfoRequest { ConversationId = chat.ConversationId, Seq = 1 }, stranger.Auth).ResponseAsync);

        await using var strangerPhone = await DeviceStream.ConnectAsync(host.Channel, stranger);
        await strangerPhone.CaughtUpAsync();
        await strangerPhone.AckAsync(chat.ConversationId, 1);
        Assert.Equal((int)StatusCode.NotFound, (await strangerPhone.RejectedAsync(RequestRejected.Types.Request.AckDelivered)).Code);
        await strangerPhone.MarkReadAsync("not-a-uuid", 1);
        Assert.Equal((int)StatusCode.InvalidArgument, (await strangerPhone.RejectedAsync(RequestRejected.Types.Request.MarkRead)).Code);
    }

    private async Task<(long Delivered, long Read)> StoredAsync(string conversationId, string userId)
    {
        var seqs = await host.ScalarAsync<long[]>(
            "SELECT ARRAY[delivered_seq, read_seq] FROM receipts.watermarks WHERE conversation_id = @c AND user_id = @u",
            ("c", Guid.Parse(conversationId)), ("u", Guid.Parse(userId)));
        return (seqs[0], seqs[1]);
    }
}
