using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;
using static ChatMonolith.Modules.Messaging.Tests.Features.DeliveryTests;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

public sealed class SmallQueueFixture : ChatHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Messaging:OutboundQueueCapacity", "8")];
}

public sealed class SlowConsumerTests(SmallQueueFixture host) : IClassFixture<SmallQueueFixture>
{
    [Fact]
    public async Task Given_a_device_that_stops_reading_When_its_queue_overflows_Then_it_is_cut_off_and_gets_everything_after_reconnecting()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        var big = new string('m', 30_000);

        // Bob's stream is open but nobody reads it: HTTP/2 flow control stops the server's writes, then his queue fills.
        using var stalled = host.Channel.Streams().Connect(bob.Auth, DateTime.UtcNow.AddMinutes(2));
        await stalled.RequestStream.WriteAsync(new ClientEvent { Hello = new Hello { Cursors = { Cursor(chat, 1) } } });
        const int sent = 120;
        for (var i = 0; i < sent; i++)
        {
            await host.Channel.SendAsync(alice, chat.ConversationId, $"{i} {big}");
        }

        var received = new List<Message>();
        var cutOff = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stalled.ResponseStream.MoveNext(CancellationToken.None))
            {
                if (stalled.ResponseStream.Current.Message is { } message)
                {
                    received.Add(message);
                }
            }
        });
        Assert.Equal(StatusCode.ResourceExhausted, cutOff.StatusCode);
        Assert.Equal("SLOW_CONSUMER", cutOff.Reason());
        Assert.True(received.Count < sent, $"the server held back only {sent - received.Count} messages");

        var lastSeq = received.Count > 0 ? received[^1].Seq : 1;
        await using var reconnected = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(chat, lastSeq));
        var rest = await reconnected.MessagesAsync(chat.ConversationId, sent - received.Count);
        Assert.Equal(Enumerable.Range(2, sent).Select(s => (long)s), received.Concat(rest).Select(m => m.Seq));
    }
}
