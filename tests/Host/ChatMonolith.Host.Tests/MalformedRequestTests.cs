using System.Text;
using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Testing;
using Google.Protobuf;
using Grpc.Core;

namespace ChatMonolith.Host.Tests;

/// <summary>
/// Bytes that do not decode as the request (invalid UTF-8 in a string, a wire type that does not exist, a message cut
/// short) are the client's mistake: INVALID_ARGUMENT with MALFORMED_REQUEST, never OK or UNKNOWN, on a unary call and
/// on a stream, and the host goes on serving.
/// </summary>
public sealed class MalformedRequestTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    private static readonly Method<byte[], byte[]> RawLogin =
        RawCalls.Method(MethodType.Unary, IdentityService.Descriptor.FullName, "Login");

    private static readonly Method<byte[], byte[]> RawConnect =
        RawCalls.Method(MethodType.DuplexStreaming, ChatStreamService.Descriptor.FullName, "Connect");

    public static TheoryData<string> Kinds => ["invalid UTF-8", "invalid wire type", "truncated"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Given_a_unary_body_that_does_not_decode_When_it_is_sent_Then_the_answer_is_INVALID_ARGUMENT_and_the_next_call_works(string kind)
    {
        var valid = new LoginRequest { Username = "MARKER", Password = "whatever-password", DeviceName = "phone", Platform = Platform.Android }.ToByteArray();

        var refused = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => host.Channel.CreateCallInvoker().AsyncUnaryCall(RawLogin, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)), Malformed(valid, kind)).ResponseAsync);

        Assert.Equal("MALFORMED_REQUEST", refused.Reason());
        await host.Channel.RegisterAndLoginAsync();
    }

    [Fact]
    public async Task Given_a_request_over_the_size_limit_When_it_is_sent_natively_or_over_gRPC_Web_Then_the_answer_is_RESOURCE_EXHAUSTED_with_ErrorInfo()
    {
        var huge = new LoginRequest { Username = new string('x', 5 * 1024 * 1024), Password = "p", DeviceName = "d", Platform = Platform.Android };

        foreach (var channel in new[] { host.Channel, host.WebChannel })
        {
            var refused = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => channel.Identity().LoginAsync(huge).ResponseAsync);
            Assert.Equal("RESOURCE_EXHAUSTED", refused.Reason());
        }
    }

    [Fact]
    public async Task Given_a_request_with_hundreds_of_invalid_fields_When_it_is_refused_Then_the_answer_lists_twenty_and_stays_small()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var request = new CreateGroupRequest { Title = "many" };
        request.MemberIds.AddRange(Enumerable.Range(0, 600).Select(i => $"not-an-id-{i}-{new string('x', 100)}"));

        var refused = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => host.Channel.Conversations().CreateGroupAsync(request, alice.Auth).ResponseAsync);

        Assert.Equal(20, refused.ViolatedFields().Count);
        Assert.InRange(refused.Status.Detail.Length, 1, 1000);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Given_a_stream_with_a_send_then_an_event_that_does_not_decode_When_it_arrives_Then_the_send_is_answered_and_the_stream_ends_with_INVALID_ARGUMENT(string kind)
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        var call = host.Channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawConnect, null, new CallOptions(alice.Auth, DateTime.UtcNow.AddMinutes(1)));
        await call.RequestStream.WriteAsync(new ClientEvent { Hello = new Hello() }.ToByteArray());
        var clientMsgId = Guid.NewGuid().ToString();
        await call.RequestStream.WriteAsync(new ClientEvent
        {
            Send = new SendMessageRequest { ConversationId = chat.ConversationId, ClientMsgId = clientMsgId, Text = "before the garbage" },
        }.ToByteArray());
        var garbage = new ClientEvent
        {
            Send = new SendMessageRequest { ConversationId = chat.ConversationId, ClientMsgId = Guid.NewGuid().ToString(), Text = "MARKER" },
        }.ToByteArray();
        await call.RequestStream.WriteAsync(Malformed(garbage, kind));

        var events = new List<ServerEvent>();
        var ended = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, async () =>
        {
            using var timeout = new CancellationTokenSource(DeviceStream.Timeout);
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
                events.Add(ServerEvent.Parser.ParseFrom(call.ResponseStream.Current));
            }
        });

        Assert.Equal("MALFORMED_REQUEST", ended.Reason());
        var accepted = Assert.Single(events, e => e.EventCase == ServerEvent.EventOneofCase.SendAccepted);
        Assert.Equal(clientMsgId, accepted.SendAccepted.ClientMsgId);
        var stored = await host.Channel.Conversations().GetMessagesAsync(
            new GetMessagesRequest { ConversationId = chat.ConversationId, Direction = Direction.After, PageSize = 10 }, bob.Auth);
        Assert.Equal(["before the garbage"], stored.Messages.Where(m => m.BodyCase == Message.BodyOneofCase.Text).Select(m => m.Text));

        // The host serves the same device on a new stream.
        await using var again = await DeviceStream.ConnectAsync(host.Channel, alice);
        await again.SendTextAsync(chat.ConversationId, "after");
        await again.NextAsync(e => e.EventCase == ServerEvent.EventOneofCase.SendAccepted);
    }

    [Fact]
    public async Task Given_a_refused_event_with_a_huge_id_then_an_event_over_the_size_limit_When_the_device_writes_without_reading_Then_the_stream_ends_with_RESOURCE_EXHAUSTED_at_once()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var hugeId = new string('x', 70_000);
        using var call = host.Channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawConnect, null, new CallOptions(alice.Auth, DateTime.UtcNow.AddMinutes(1)));
        await call.RequestStream.WriteAsync(new ClientEvent { Hello = new Hello() }.ToByteArray());
        await call.RequestStream.WriteAsync(new ClientEvent { MarkRead = new MarkReadRequest { ConversationId = hugeId, Seq = 1 } }.ToByteArray());

        // Over the 4 MB limit and over Kestrel's window: the write waits until the host ends the call, which it can
        // only do if its answers so far fit the device's window (the refusal above does not carry 70 KB back).
        var over = new ClientEvent { WatchPresence = new WatchPresenceRequest() };
        over.WatchPresence.UserIds.AddRange(Enumerable.Repeat(new string('y', 10_000), 600));
        using var timeout = new CancellationTokenSource(DeviceStream.Timeout);
        await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(over.ToByteArray(), timeout.Token));

        var events = new List<ServerEvent>();
        var ended = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, async () =>
        {
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
                events.Add(ServerEvent.Parser.ParseFrom(call.ResponseStream.Current));
            }
        });

        Assert.Equal("RESOURCE_EXHAUSTED", ended.Reason());
        var rejected = Assert.Single(events, e => e.EventCase == ServerEvent.EventOneofCase.Rejected).Rejected;
        Assert.Equal((RequestRejected.Types.Request.MarkRead, hugeId[..64]), (rejected.Request, rejected.ConversationId));
    }

    /// <summary>A valid encoding made invalid in one way; <paramref name="valid"/> holds the string MARKER.</summary>
    private static byte[] Malformed(byte[] valid, string kind)
    {
        var marker = valid.AsSpan().IndexOf(Encoding.UTF8.GetBytes("MARKER"));
        Assert.True(marker >= 0);
        var bytes = valid.ToArray();
        switch (kind)
        {
            case "invalid UTF-8":
                bytes[marker] = 0xFF;
                bytes[marker + 1] = 0xFE;
                return bytes;
            case "invalid wire type":
                return [.. bytes, 0x0F]; // field 1, wire type 7: no such wire type
            case "truncated":
                return bytes[..(marker + 2)]; // the string's length says 6, two bytes follow
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
