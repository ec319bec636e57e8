using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>The seed's limit on sends per user, here 5 a minute: the sixth is refused with when to retry, and nothing else is.</summary>
public sealed class SendLimitTests(SendLimitTests.FiveAMinute host) : IClassFixture<SendLimitTests.FiveAMinute>
{
    [Fact]
    public async Task Given_a_user_who_sent_their_five_When_they_send_a_sixth_Then_it_is_RESOURCE_EXHAUSTED_with_RetryInfo_and_not_stored()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        for (var i = 0; i < 5; i++)
        {
            await host.Channel.SendAsync(alice, chat.ConversationId, $"m{i}");
        }

        var refused = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => host.Channel.SendAsync(alice, chat.ConversationId, "one too many"));

        Assert.Equal("SEND_RATE_LIMITED", refused.Reason());
        Assert.InRange(refused.RetryDelay(), TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        // Bob has a budget of his own, and what Alice sent is all there.
        await host.Channel.SendAsync(bob, chat.ConversationId, "bob's own");
        var page = await host.Channel.Conversations().GetMessagesAsync(
            new GetMessagesRequest { ConversationId = chat.ConversationId, Direction = Direction.After, PageSize = 20 }, bob.Auth);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4", "bob's own"], page.Messages.Where(m => m.BodyCase == Message.BodyOneofCase.Text).Select(m => m.Text));
    }

    [Fact]
    public async Task Given_sends_on_a_stream_beyond_the_limit_When_they_are_answered_Then_the_extra_ones_are_refused_with_retry_after_and_the_stream_goes_on()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var phone = await DeviceStream.ConnectAsync(host.Channel, alice);
        await phone.CaughtUpAsync();

        for (var i = 0; i < 7; i++)
        {
            await phone.SendTextAsync(chat.ConversationId, $"m{i}");
        }

        var answers = new List<ServerEvent>();
        for (var i = 0; i < 7; i++)
        {
            answers.Add(await phone.NextAsync(e => e.EventCase is ServerEvent.EventOneofCase.SendAccepted or ServerEvent.EventOneofCase.Rejected));
        }

        Assert.Equal(5, answers.Count(a => a.EventCase == ServerEvent.EventOneofCase.SendAccepted));
        var rejected = answers.Where(a => a.EventCase == ServerEvent.EventOneofCase.Rejected).Select(a => a.Rejected).ToList();
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, r =>
        {
            Assert.Equal((int)StatusCode.ResourceExhausted, r.Code);
            Assert.Equal("SEND_RATE_LIMITED", r.Reason);
            Assert.InRange(r.RetryAfter.ToTimeSpan(), TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        });

        // The stream still reads and answers: a mark with a malformed id is refused on it as such.
        await phone.MarkReadAsync("not-an-id", 1);
        var invalid = await phone.RejectedAsync(RequestRejected.Types.Request.MarkRead);
        Assert.Equal((int)StatusCode.InvalidArgument, invalid.Code);
    }

    public sealed class FiveAMinute : ChatHostFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("Messaging:SendsPerUser", "5"),
            new("Messaging:SendsPerUserWindow", "00:01:00"),
            new("Messaging:SendsPerUserLease", "2"),
        ];
    }
}
