using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;
using static ChatMonolith.Modules.Messaging.Tests.Features.DeliveryTests;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

public sealed class GrpcWebStreamTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_a_browser_on_grpc_web_When_it_subscribes_sends_and_acks_Then_it_works_like_a_native_stream()
    {
        var browserUser = await host.WebChannel.RegisterAndLoginAsync();
        var nativeUser = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.WebChannel.OpenDirectChatAsync(browserUser, nativeUser);
        await using var browser = DeviceStream.Subscribe(host.WebChannel, browserUser, Cursor(chat, 1));
        await browser.CaughtUpAsync();

        await host.Channel.SendAsync(nativeUser, chat.ConversationId, "hi browser");
        var received = Assert.Single(await browser.MessagesAsync(chat.ConversationId, 1));
        Assert.Equal("hi browser", received.Text);

        var ack = await host.WebChannel.SendAsync(browserUser, chat.ConversationId, "hi native");
        Assert.Equal(3, ack.Seq);
        Assert.Equal("hi native", Assert.Single(await browser.MessagesAsync(chat.ConversationId, 1)).Text);

        // An ack past the end is clamped, a stale one ignored: the stored receipt only moves forward, up to the last seq.
        await host.WebChannel.Streams().AckDeliveredAsync(new AckDeliveredRequest { ConversationId = chat.ConversationId, Seq = 99 }, browserUser.Auth);
        await host.WebChannel.Streams().AckDeliveredAsync(new AckDeliveredRequest { ConversationId = chat.ConversationId, Seq = 2 }, browserUser.Auth);
        Assert.Equal(3, await StoredDeliveredSeqAsync(chat.ConversationId, browserUser.UserId));
        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => host.WebChannel.Streams()
            .AckDeliveredAsync(new AckDeliveredRequest { ConversationId = chat.ConversationId, Seq = -1 }, browserUser.Auth).ResponseAsync);
        Assert.Equal(["seq"], invalid.ViolatedFields());
    }

    private Task<long> StoredDeliveredSeqAsync(string conversationId, string userId) => host.ScalarAsync<long>(
        "SELECT delivered_seq FROM receipts.watermarks WHERE conversation_id = @c AND user_id = @u",
        ("c", Guid.Parse(conversationId)), ("u", Guid.Parse(userId)));
}
