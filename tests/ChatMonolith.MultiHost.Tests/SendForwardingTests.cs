using System.Diagnostics;
using ChatMonolith.Testing;

namespace ChatMonolith.MultiHost.Tests;

/// <summary>
/// Each conversation is written by one host (docs/adr/0021): a send taken on another host is forwarded to it through
/// Redis, and written where it was taken when the owner does not answer in time, once and in order either way.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class SendForwardingTests(TwoHosts hosts) : IClassFixture<TwoHosts>
{
    private const string Forwarded = "chat_sends_forwarded_total";
    private const string WrittenForOthers = "chat_sends_written_for_other_hosts_total";
    private const string Fallbacks = "chat_sends_forward_fallbacks_total";

    [Fact]
    public async Task Given_a_chat_with_devices_on_two_hosts_When_both_send_Then_one_host_writes_every_send_and_both_get_all_once_in_order()
    {
        const int Each = 50;
        var (alice, bob, chat, owner, forwarder, warmUps) = await ChatWithKnownOwnerAsync();
        var forwardedBefore = await hosts[forwarder].CounterAsync(Forwarded);
        var writtenBefore = await hosts[owner].CounterAsync(WrittenForOthers);
        var (fallbacksBefore, ownerForwardedBefore) = (await hosts[forwarder].CounterAsync(Fallbacks), await hosts[owner].CounterAsync(Forwarded));
        await alice.ConnectAsync(hosts[0].Channel);
        await bob.ConnectAsync(hosts[1].Channel);

        var aliceSending = Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                await alice.SendAsync(chat, $"a{i}");
            }
        });
        for (var i = 0; i < Each; i++)
        {
            await bob.SendAsync(chat, $"b{i}");
        }

        await aliceSending;
        await alice.WaitUntilAsync(d => d.Unacked == 0 && d.Received.Count(m => m.Text.StartsWith('b')) == Each, what: "all of Bob's messages");
        await bob.WaitUntilAsync(d => d.Unacked == 0 && d.Received.Count(m => m.Text.StartsWith('a')) == Each, what: "all of Alice's messages");

        // The forwarder's device's sends went to the owner; the owner wrote them, and its own device's too.
        await CounterReachesAsync(forwarder, Forwarded, forwardedBefore + Each);
        await CounterReachesAsync(owner, WrittenForOthers, writtenBefore + Each);
        Assert.Equal(forwardedBefore + Each, await hosts[forwarder].CounterAsync(Forwarded));
        Assert.Equal(fallbacksBefore, await hosts[forwarder].CounterAsync(Fallbacks));
        Assert.Equal(ownerForwardedBefore, await hosts[owner].CounterAsync(Forwarded));

        Assert.Equal(Enumerable.Range(0, Each).Select(i => $"a{i}"), bob.Received.Where(m => m.Text.StartsWith('a')).Select(m => m.Text));
        Assert.Equal(Enumerable.Range(0, Each).Select(i => $"b{i}"), alice.Received.Where(m => m.Text.StartsWith('b')).Select(m => m.Text));
        Assert.Equal((0, 0, 0, 0), (alice.Duplicates, alice.Gaps, bob.Duplicates, bob.Gaps));
        Assert.Equal(warmUps + (2 * Each), await hosts.StoredCopiesAsync(chat));
        await alice.DisposeAsync();
        await bob.DisposeAsync();
    }

    [Fact]
    public async Task Given_sends_forwarded_to_an_owner_that_freezes_When_it_does_not_answer_in_time_Then_the_forwarder_writes_them_and_the_thawed_owners_late_writes_find_them_stored()
    {
        const int Frozen = 20;
        const int After = 5;
        var (alice, bob, chat, owner, forwarder, warmUps) = await ChatWithKnownOwnerAsync();
        var (sender, receiver) = forwarder == 0 ? (alice, bob) : (bob, alice);
        await sender.ConnectAsync(hosts[forwarder].Channel);
        await receiver.ConnectAsync(hosts[owner].Channel);
        var fallbacksBefore = await hosts[forwarder].CounterAsync(Fallbacks);
        var writtenBefore = await hosts[owner].CounterAsync(WrittenForOthers);

        hosts[owner].Freeze();
        try
        {
            for (var i = 0; i < Frozen; i++)
            {
                await sender.SendAsync(chat, $"s{i}");
            }

            // Unanswered for the forward timeout (2 s): the sender's own host writes them itself. Their acks are not
            // awaited while the owner is frozen: a process stopped mid-transaction keeps its row locks until it runs
            // again, as any stalled PostgreSQL client does, and a write here may wait for them.
            await CounterReachesAsync(forwarder, Fallbacks, fallbacksBefore + Frozen);
        }
        finally
        {
            hosts[owner].Thaw();
        }

        await sender.WaitUntilAsync(d => d.Unacked == 0, what: "the frozen owner's sends acknowledged");

        // The owner, thawed, takes the forwards it was sent meanwhile: each finds its message stored already.
        await CounterReachesAsync(owner, WrittenForOthers, writtenBefore + Frozen);

        // Later sends, written by the sender's host while the owner counts as unreachable (a lease) or by the owner
        // again after it, come after the others.
        for (var i = Frozen; i < Frozen + After; i++)
        {
            await sender.SendAsync(chat, $"s{i}");
        }

        await receiver.WaitUntilAsync(d => d.Received.Count(m => m.Text.StartsWith('s')) == Frozen + After, what: "every send");
        await sender.WaitUntilAsync(d => d.Unacked == 0, what: "every send acknowledged");
        Assert.Equal(Enumerable.Range(0, Frozen + After).Select(i => $"s{i}"), receiver.Received.Where(m => m.Text.StartsWith('s')).Select(m => m.Text));
        Assert.Equal((0, 0), (receiver.Duplicates, receiver.Gaps));
        Assert.Equal(warmUps + Frozen + After, await hosts.StoredCopiesAsync(chat));
        await alice.DisposeAsync();
        await bob.DisposeAsync();
    }

    /// <summary>
    /// A direct chat of Alice (host 0) and Bob (host 1), and which host writes it. Hosts learn of each other at their
    /// lease renewals, so until then each may write what it takes: unary sends from both sides, a pair at a time, until
    /// one host has forwarded one to the other.
    /// </summary>
    private async Task<(ChatDevice Alice, ChatDevice Bob, string Chat, int Owner, int Forwarder, int WarmUps)> ChatWithKnownOwnerAsync()
    {
        var alice = await hosts[0].Channel.RegisterAndLoginAsync();
        var bob = await hosts[1].Channel.RegisterAndLoginAsync();
        var chat = (await hosts[0].Channel.OpenDirectChatAsync(alice, bob)).ConversationId;
        var before = (await hosts[0].CounterAsync(Forwarded), await hosts[1].CounterAsync(Forwarded));
        var deadline = Stopwatch.StartNew();
        for (var round = 1; deadline.Elapsed < TimeSpan.FromSeconds(30); round++)
        {
            await hosts[0].Channel.SendAsync(alice, chat, $"warm-up {round} from Alice");
            await hosts[1].Channel.SendAsync(bob, chat, $"warm-up {round} from Bob");
            var forwarded = (await hosts[0].CounterAsync(Forwarded), await hosts[1].CounterAsync(Forwarded));
            if (forwarded != before)
            {
                var forwarder = forwarded.Item1 > before.Item1 ? 0 : 1;
                return (new ChatDevice(alice), new ChatDevice(bob), chat, 1 - forwarder, forwarder, 2 * round);
            }
        }

        throw new TimeoutException("Neither host forwarded a send to the other within 30 s.");
    }

    /// <summary>Waits for a counter (the scrape may lag a moment behind the count).</summary>
    private async Task CounterReachesAsync(int host, string name, double atLeast)
    {
        var deadline = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        double value;
        while ((value = await hosts[host].CounterAsync(name)) < atLeast)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"{name} on host {host} is {value}, not yet {atLeast}");
            await poll.WaitForNextTickAsync();
        }
    }
}
