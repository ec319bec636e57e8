using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.MultiHost.Tests;

public sealed class SixSendsAMinute : HostCluster
{
    protected override int Size => 2;

    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Messaging:SendsPerUser", "6"),
        new("Messaging:SendsPerUserWindow", "00:01:00"),
        new("Messaging:SendsPerUserLease", "1"),
    ];
}

/// <summary>A user's send budget is one across the hosts (Redis), and still holds, per host, while Redis is away.</summary>
[Collection(HostCollection.Name)]
public sealed class SendLimitAcrossHostsTests(SixSendsAMinute hosts) : IClassFixture<SixSendsAMinute>
{
    [Fact]
    public async Task Given_a_user_sending_through_two_hosts_in_turn_When_they_pass_six_Then_exactly_six_are_stored_in_all()
    {
        var alice = await hosts[0].Channel.RegisterAndLoginAsync();
        var bob = await hosts[0].Channel.RegisterAndLoginAsync();
        var chat = await hosts[0].Channel.OpenDirectChatAsync(alice, bob);

        var refusals = new List<RpcException>();
        for (var i = 0; i < 10; i++)
        {
            try
            {
                await hosts[i % 2].Channel.SendAsync(alice, chat.ConversationId, $"m{i}");
            }
            catch (RpcException e)
            {
                refusals.Add(e);
            }
        }

        Assert.Equal(4, refusals.Count);
        Assert.All(refusals, e => Assert.Equal((StatusCode.ResourceExhausted, "SEND_RATE_LIMITED"), (e.StatusCode, e.Reason())));
        Assert.Equal(6, await hosts.StoredFromAsync(alice.UserId));
    }

    [Fact]
    public async Task Given_Redis_away_When_a_user_sends_past_the_limit_Then_the_host_counts_for_itself_and_refuses_the_seventh()
    {
        var carol = await hosts[0].Channel.RegisterAndLoginAsync();
        var dave = await hosts[0].Channel.RegisterAndLoginAsync();
        var chat = await hosts[0].Channel.OpenDirectChatAsync(carol, dave);

        await hosts.Redis.CutAsync();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                await hosts[0].Channel.SendAsync(carol, chat.ConversationId, $"m{i}");
            }

            var refused = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => hosts[0].Channel.SendAsync(carol, chat.ConversationId, "seventh"));
            Assert.Equal("SEND_RATE_LIMITED", refused.Reason());
            Assert.InRange(refused.RetryDelay(), TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        }
        finally
        {
            hosts.Redis.Resume();
        }

        Assert.Equal(6, await hosts.StoredFromAsync(carol.UserId));
    }
}
