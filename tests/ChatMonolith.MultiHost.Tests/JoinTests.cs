using System.Text.RegularExpressions;
using ChatMonolith.Testing;

namespace ChatMonolith.MultiHost.Tests;

/// <summary>
/// A host in this process that runs alone first (and so publishes nothing), and a second that joins it. The first
/// renews its lease only every 30 s: what turns its publishing on is the second's join, nothing else.
/// </summary>
public sealed class AloneFirstFixture : ChatHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Messaging:RoutingProbeInterval", "00:00:30"),
        new("Messaging:HostLease", "00:01:30"),
    ];
}

[Collection(HostCollection.Name)]
public sealed partial class JoinTests(AloneFirstFixture host) : IClassFixture<AloneFirstFixture>
{
    [Fact]
    public async Task Given_a_host_alone_that_publishes_nothing_When_a_second_joins_Then_a_message_sent_right_after_reaches_a_device_there_live()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);

        // Alone, the host stops publishing: a send no longer moves its publish counter.
        using var http = new HttpClient { BaseAddress = host.MetricsAddress };
        var deadline = DateTime.UtcNow + DeviceStream.Timeout;
        while (true)
        {
            var before = await PublishesAsync(http);
            await host.Channel.SendAsync(alice, chat.ConversationId, "while alone");
            if (await PublishesAsync(http) == before)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the host kept publishing with no other host alive");
        }

        await using var second = await HostProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = host.ConnectionString,
            ["ConnectionStrings:Redis"] = await TestInfrastructure.RedisAsync(),
            ["Redis:KeyPrefix"] = host.RedisKeyPrefix,
        });
        await using var bobThere = await DeviceStream.ConnectAsync(second.Channel, bob);
        await bobThere.CaughtUpAsync();
        var caughtUp = bobThere.Drain().Count(e => e.Message is not null);

        // The first host heard the join before the second took Bob's stream: this one comes live, and only live.
        var sent = await host.Channel.SendAsync(alice, chat.ConversationId, "after the join");
        var live = (await bobThere.NextAsync(e => e.Message?.Seq == sent.Seq)).Message;
        Assert.Equal("after the join", live.Text);
        Assert.True(caughtUp > 0, "the catch-up brought nothing: the test did not set up what it means to");
    }

    private static async Task<double> PublishesAsync(HttpClient http)
    {
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var match = PublishesLine().Match(text);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^chat_routing_publishes_total(?:\{[^}]*\})? ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex PublishesLine();
}
