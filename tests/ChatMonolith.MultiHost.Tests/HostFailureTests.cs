using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Testing;
using Google.Rpc;
using Grpc.Core;
using Npgsql;

namespace ChatMonolith.MultiHost.Tests;

/// <summary>A two-second heartbeat (keys live four), so a killed host's devices go offline within a test.</summary>
public sealed class ShortPresenceCluster : HostCluster
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Presence:HeartbeatInterval", "00:00:02"),
        new("Presence:MinHeartbeatSpacing", "00:00:00.200"),
        new("Presence:SweepInterval", "00:00:01"),
    ];
}

[Collection(HostCollection.Name)]
public sealed class HostKillTests(ShortPresenceCluster hosts) : IClassFixture<ShortPresenceCluster>
{
    [Fact]
    public async Task Given_B_on_host_3_When_host_3_is_killed_mid_conversation_Then_B_reconnects_to_host_2_and_nothing_is_lost_doubled_or_reordered()
    {
        const int Each = 100;
        var alice = new ChatDevice(await hosts[0].Channel.RegisterAndLoginAsync());
        var bob = new ChatDevice(await hosts[2].Channel.RegisterAndLoginAsync());
        var carol = await hosts[0].Channel.RegisterAndLoginAsync();
        var chat = await hosts[0].Channel.OpenDirectChatAsync(alice.Session, bob.Session);
        await hosts[0].Channel.OpenDirectChatAsync(carol, bob.Session);
        await using var watcher = await DeviceStream.ConnectAsync(hosts[0].Channel, carol);
        await watcher.CaughtUpAsync();
        await alice.ConnectAsync(hosts[0].Channel);
        await bob.ConnectAsync(hosts[2].Channel);
        using var heartbeats = new CancellationTokenSource();
        var beating = HeartbeatAsync(bob, heartbeats.Token);
        await watcher.WatchAsync(bob.Session.UserId);
        await watcher.PresenceAsync(bob.Session.UserId, p => p.State == PresenceState.Online);

        var aliceSending = Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                await alice.SendAsync(chat.ConversationId, $"a{i}");
            }
        });
        for (var i = 0; i < Each / 2; i++)
        {
            await bob.SendAsync(chat.ConversationId, $"b{i}");
        }

        await bob.WaitUntilAsync(d => d.Received.Count(m => m.SenderId == alice.Session.UserId) >= 20, what: "20 of Alice's messages");
        await hosts.KillAsync(2);
        await heartbeats.CancelAsync();
        await beating;

        // Bob's device went with the host: offline within the key's life (4 s) and a sweep.
        var offline = Stopwatch.StartNew();
        await watcher.PresenceAsync(bob.Session.UserId, p => p.State == PresenceState.Offline, TimeSpan.FromSeconds(10));
        Assert.InRange(offline.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(7));

        // Bob's phone reconnects to host 2 with its cursors, resends what was not acknowledged, and goes on.
        await bob.ConnectAsync(hosts[1].Channel);
        await watcher.PresenceAsync(bob.Session.UserId, p => p.State == PresenceState.Online);
        for (var i = Each / 2; i < Each; i++)
        {
            await bob.SendAsync(chat.ConversationId, $"b{i}");
        }

        await aliceSending;
        await bob.WaitUntilAsync(d => d.Received.Count(m => m.SenderId == alice.Session.UserId) == Each && d.Unacked == 0, what: "all of Alice's messages");
        await alice.WaitUntilAsync(d => d.Received.Count(m => m.SenderId == bob.Session.UserId) == Each && d.Unacked == 0, what: "all of Bob's messages");

        Assert.Equal(Enumerable.Range(0, Each).Select(i => $"a{i}"), bob.Received.Where(m => m.SenderId == alice.Session.UserId).Select(m => m.Text));
        Assert.Equal(Enumerable.Range(0, Each).Select(i => $"b{i}"), alice.Received.Where(m => m.SenderId == bob.Session.UserId).Select(m => m.Text));
        Assert.Equal((0, 0, 0, 0), (alice.Duplicates, alice.Gaps, bob.Duplicates, bob.Gaps));
        Assert.Equal(2 * Each, await hosts.StoredCopiesAsync(chat.ConversationId));
        await alice.DisposeAsync();
        await bob.DisposeAsync();
    }

    private static async Task HeartbeatAsync(ChatDevice device, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(700));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await device.HeartbeatAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

public sealed class TwoHosts : HostCluster
{
    protected override int Size => 2;
}

[Collection(HostCollection.Name)]
public sealed class RedisOutageTests(TwoHosts hosts) : IClassFixture<TwoHosts>
{
    [Fact]
    public async Task Given_Redis_down_for_10_s_under_traffic_Then_sends_are_stored_without_waiting_the_local_host_delivers_and_the_other_gets_all_once_Redis_is_back()
    {
        var alice = new ChatDevice(await hosts[0].Channel.RegisterAndLoginAsync());
        var tablet = new ChatDevice(await hosts[0].Channel.LoginAsync(alice.Session.Username, "tablet"));
        var bob = new ChatDevice(await hosts[1].Channel.RegisterAndLoginAsync());
        var chat = await hosts[0].Channel.OpenDirectChatAsync(alice.Session, bob.Session);
        foreach (var (device, host) in new[] { (alice, 0), (tablet, 0), (bob, 1) })
        {
            await device.ConnectAsync(hosts[host].Channel);
        }

        await hosts.Redis.CutAsync();
        var outage = Stopwatch.StartNew();
        var sent = 0;
        try
        {
            while (outage.Elapsed < TimeSpan.FromSeconds(10))
            {
                var took = Stopwatch.StartNew();
                await alice.SendAsync(chat.ConversationId, $"m{sent++}");
                // Stored and acknowledged without waiting on Redis; and Alice's tablet, on the same host, has it live.
                await alice.WaitUntilAsync(d => d.Unacked == 0, TimeSpan.FromSeconds(2), "acknowledged");
                await tablet.WaitUntilAsync(d => d.Received.Count == sent, TimeSpan.FromSeconds(2), "delivered on the same host");
                Assert.InRange(took.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));

                if (sent == 5)
                {
                    await AssertDegradedInTimeAsync(hosts[0]);
                    // An authenticated call on the other host does not hang: it answers at once.
                    var call = Stopwatch.StartNew();
                    await hosts[1].Channel.Conversations().GetConversationAsync(new GetConversationRequest { ConversationId = chat.ConversationId }, bob.Session.Auth);
                    Assert.InRange(call.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
        finally
        {
            hosts.Redis.Resume();
        }

        // Bob, on the other host, gets everything once Redis is back: from the log, in order, once.
        await bob.WaitUntilAsync(d => d.Received.Count == sent, TimeSpan.FromSeconds(20), "caught up after Redis came back");
        Assert.Equal(Enumerable.Range(0, sent).Select(i => $"m{i}"), bob.Received.Select(m => m.Text));
        Assert.Equal((0, 0), (bob.Duplicates, bob.Gaps));
        Assert.Equal(sent, await hosts.StoredCopiesAsync(chat.ConversationId));
        Assert.False(hosts[0].HasExited || hosts[1].HasExited, "a host crashed");

        // And live traffic crosses hosts again.
        await alice.SendAsync(chat.ConversationId, "after");
        await bob.WaitUntilAsync(d => d.Received.Count == sent + 1, what: "live again");
        foreach (var device in new[] { alice, tablet, bob })
        {
            await device.DisposeAsync();
        }
    }

    private static async Task AssertDegradedInTimeAsync(HostProcess host)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.WebPort}") };
        var took = Stopwatch.StartNew();
        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.InRange(took.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", report.RootElement.GetProperty("status").GetString());
    }
}

[Collection(HostCollection.Name)]
public sealed class SilentRedisTests(TwoHosts hosts) : IClassFixture<TwoHosts>
{
    [Fact]
    public async Task Given_the_pub_sub_connections_silently_dead_When_A_sends_Then_the_probes_find_it_and_B_on_the_other_host_still_gets_everything()
    {
        var alice = new ChatDevice(await hosts[0].Channel.RegisterAndLoginAsync());
        var bob = new ChatDevice(await hosts[1].Channel.RegisterAndLoginAsync());
        var chat = await hosts[0].Channel.OpenDirectChatAsync(alice.Session, bob.Session);
        await alice.ConnectAsync(hosts[0].Channel);
        await bob.ConnectAsync(hosts[1].Channel);
        await alice.SendAsync(chat.ConversationId, "before");
        await bob.WaitUntilAsync(d => d.Received.Count == 1, what: "the first message");

        // Every connection to Redis stays open and carries nothing: health checks that only look at the socket see no
        // problem. New connections work.
        hosts.Redis.Freeze();
        for (var i = 0; i < 5; i++)
        {
            await alice.SendAsync(chat.ConversationId, $"while silent {i}");
        }

        await bob.WaitUntilAsync(d => d.Received.Count == 6, TimeSpan.FromSeconds(15), "the messages sent while the connection was silent");
        Assert.Equal(["before", .. Enumerable.Range(0, 5).Select(i => $"while silent {i}")], bob.Received.Select(m => m.Text));
        Assert.Equal((0, 0), (bob.Duplicates, bob.Gaps));
        await alice.DisposeAsync();
        await bob.DisposeAsync();
    }
}

[Collection(HostCollection.Name)]
public sealed class PostgresOutageTests(TwoHosts hosts) : IClassFixture<TwoHosts>
{
    [Fact]
    public async Task Given_PostgreSQL_away_under_traffic_Then_sends_fail_with_UNAVAILABLE_on_the_stream_and_unary_alike_and_retries_store_exactly_one_copy()
    {
        var alice = new ChatDevice(await hosts[0].Channel.RegisterAndLoginAsync());
        var bobSession = await hosts[1].Channel.RegisterAndLoginAsync();
        var bob = new ChatDevice(bobSession);
        var chat = await hosts[0].Channel.OpenDirectChatAsync(alice.Session, bob.Session);
        await alice.ConnectAsync(hosts[0].Channel);
        await bob.ConnectAsync(hosts[1].Channel);
        var unaryId = Guid.NewGuid().ToString();

        await hosts.Postgres.CutAsync();
        try
        {
            await alice.SendAsync(chat.ConversationId, "on the stream");
            await alice.WaitUntilAsync(d => d.RefusedSends.Count > 0, what: "the send refused");
            Assert.Equal(StatusCode.Unavailable, alice.RefusedSends[0]);

            var unary = await Assert.ThrowsAsync<RpcException>(() => hosts[1].Channel.SendAsync(bobSession, chat.ConversationId, "unary", unaryId));
            Assert.Equal(StatusCode.Unavailable, unary.StatusCode);
            Assert.NotNull(unary.GetRpcStatus()?.GetDetail<RetryInfo>());
        }
        finally
        {
            hosts.Postgres.Resume();
        }

        // The clients retry with the same ids until the database answers.
        await RetryUntilStoredAsync(() => hosts[1].Channel.SendAsync(bobSession, chat.ConversationId, "unary", unaryId));
        await RetryUntilStoredAsync(async () =>
        {
            await alice.ResendUnackedAsync();
            await alice.WaitUntilAsync(d => d.Unacked == 0, TimeSpan.FromSeconds(2), "acknowledged");
        });

        await bob.WaitUntilAsync(d => d.Received.Count(m => m.SenderId == alice.Session.UserId) == 1, what: "Alice's message");
        await alice.WaitUntilAsync(d => d.Received.Count(m => m.SenderId == bobSession.UserId) == 1, what: "Bob's message");
        Assert.Equal(2, await hosts.StoredCopiesAsync(chat.ConversationId));
        Assert.Equal((0, 0, 0, 0), (alice.Duplicates, alice.Gaps, bob.Duplicates, bob.Gaps));
        await alice.DisposeAsync();
        await bob.DisposeAsync();
    }

    /// <summary>A client's retry: again after each UNAVAILABLE (or a wait that timed out), until it succeeds.</summary>
    private static async Task RetryUntilStoredAsync(Func<Task> attempt)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await attempt();
                return;
            }
            catch (Exception e) when ((e is RpcException { StatusCode: StatusCode.Unavailable } or TimeoutException) && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}

public sealed class DrainingCluster : HostCluster
{
    protected override int Size => 2;

    protected override IEnumerable<KeyValuePair<string, string>> Settings() => [new("Host:DrainTimeout", "00:00:10")];
}

[Collection(HostCollection.Name)]
public sealed class DrainTests(DrainingCluster hosts) : IClassFixture<DrainingCluster>
{
    [Fact]
    public async Task Given_sends_in_flight_When_the_host_gets_SIGTERM_Then_its_devices_are_told_to_move_every_acknowledged_send_is_stored_and_it_exits_in_time()
    {
        const int Count = 200;
        var alice = new ChatDevice(await hosts[1].Channel.RegisterAndLoginAsync());
        var bob = new ChatDevice(await hosts[0].Channel.RegisterAndLoginAsync());
        var chat = await hosts[0].Channel.OpenDirectChatAsync(alice.Session, bob.Session);
        await alice.ConnectAsync(hosts[1].Channel);
        await bob.ConnectAsync(hosts[0].Channel);

        for (var i = 0; i < Count; i++)
        {
            await alice.SendAsync(chat.ConversationId, $"m{i}");
        }

        // Some are answered, the rest in flight (read or not yet) when the signal comes.
        await alice.WaitUntilAsync(d => d.Acked.Count >= 10, what: "the first sends answered");
        var draining = hosts[1];
        await draining.TerminateAsync();
        var exit = Stopwatch.StartNew();
        await alice.WaitUntilAsync(d => d.ReconnectHints == 1 && d.Ended.IsCompleted, what: "told to move");
        var ended = await alice.Ended;
        Assert.Equal((StatusCode.Unavailable, "SERVER_DRAINING"), (ended?.StatusCode, ended?.Reason()));
        Assert.Equal(0, await draining.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.InRange(exit.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(12));

        // Everything the draining host acknowledged is stored; the rest is resent to the host that stays.
        var ackedBeforeMove = alice.Acked.Count;
        Assert.True(ackedBeforeMove > 0, "the draining host answered no send before it ended the stream");
        await alice.ConnectAsync(hosts[0].Channel);
        await alice.WaitUntilAsync(d => d.Unacked == 0, what: "every send acknowledged");
        await bob.WaitUntilAsync(d => d.Received.Count == Count, what: "every message");
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"m{i}"), bob.Received.Select(m => m.Text));
        Assert.Equal(Count, await hosts.StoredCopiesAsync(chat.ConversationId));
        Assert.Equal((0, 0), (bob.Duplicates, bob.Gaps));
        await hosts.RestartAsync(1);
        await alice.DisposeAsync();
        await bob.DisposeAsync();
    }
}
