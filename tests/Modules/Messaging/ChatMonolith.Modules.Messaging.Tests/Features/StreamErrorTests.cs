using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

public sealed class StreamErrorTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_bad_sends_on_a_stream_When_each_is_refused_Then_it_says_why_and_the_stream_takes_the_next_valid_send()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var carol = await host.Channel.RegisterAndLoginAsync();
        var aliceAndBob = await host.Channel.OpenDirectChatAsync(alice, bob);
        var bobAndCarol = await host.Channel.OpenDirectChatAsync(bob, carol);
        await using var stream = await DeviceStream.ConnectAsync(host.Channel, alice);
        await stream.CaughtUpAsync();

        var cases = new (ClientEvent Event, StatusCode Code, string Reason)[]
        {
            (Send(bobAndCarol.ConversationId, "not mine"), StatusCode.NotFound, "CONVERSATION_NOT_FOUND"), // a stranger learns nothing
            (Send(Guid.NewGuid().ToString(), "nowhere"), StatusCode.NotFound, "CONVERSATION_NOT_FOUND"),
            (Send(aliceAndBob.ConversationId, ""), StatusCode.InvalidArgument, "INVALID_ARGUMENT"),
            (Send(aliceAndBob.ConversationId, new string('x', 64 * 1024 + 1)), StatusCode.InvalidArgument, "INVALID_ARGUMENT"),
            (Send(aliceAndBob.ConversationId, "nul\0in text"), StatusCode.InvalidArgument, "INVALID_ARGUMENT"),
            (Send("not-a-uuid", "hello"), StatusCode.InvalidArgument, "INVALID_ARGUMENT"),
            (new ClientEvent { Send = new SendMessageRequest { ConversationId = aliceAndBob.ConversationId, ClientMsgId = "42", Text = "hi" } }, StatusCode.InvalidArgument, "INVALID_ARGUMENT"),
        };
        foreach (var (clientEvent, code, reason) in cases)
        {
            await stream.SendAsync(clientEvent);
            var rejected = (await stream.NextAsync(e => e.Rejected is not null)).Rejected;
            Assert.Equal((int)code, rejected.Code);
            Assert.Equal(reason, rejected.Reason);
            Assert.Equal(RequestRejected.Types.Request.Send, rejected.Request);
        }

        await stream.SendTextAsync(aliceAndBob.ConversationId, "still here");
        var accepted = (await stream.NextAsync(e => e.SendAccepted is not null)).SendAccepted;
        Assert.Equal(2, accepted.Seq);
    }

    [Fact]
    public async Task Given_an_oversize_or_empty_text_When_sent_unary_Then_the_answer_names_the_field()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);

        var oversize = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => host.Channel.SendAsync(alice, chat.ConversationId, new string('é', 40_000)));
        Assert.Equal(["text"], oversize.ViolatedFields());
        var malformed = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => host.Channel.SendAsync(alice, "nope", "hi", "also-nope"));
        Assert.Equal(["conversation_id", "client_msg_id"], malformed.ViolatedFields());
    }

    [Fact]
    public async Task Given_a_stream_that_starts_without_a_hello_When_opened_Then_it_ends_with_invalid_argument()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        using var call = host.Channel.Streams().Connect(alice.Auth, DateTime.UtcNow.AddSeconds(20));
        await call.RequestStream.WriteAsync(new ClientEvent { Send = new SendMessageRequest() });

        var refused = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(["hello"], refused.ViolatedFields());
    }

    private static ClientEvent Send(string conversationId, string text) =>
        new() { Send = new SendMessageRequest { ConversationId = conversationId, ClientMsgId = Guid.NewGuid().ToString(), Text = text } };

    [Fact]
    public async Task Given_a_hello_cursor_past_the_end_When_new_messages_come_Then_they_are_still_delivered()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, new ConversationCursor { ConversationId = chat.ConversationId, Seq = 1_000 });
        await bobPhone.CaughtUpAsync();

        var sent = await host.Channel.SendAsync(alice, chat.ConversationId, "after a confused hello");
        Assert.Equal(sent.Seq, Assert.Single(await bobPhone.MessagesAsync(chat.ConversationId, 1)).Seq);
    }
}
