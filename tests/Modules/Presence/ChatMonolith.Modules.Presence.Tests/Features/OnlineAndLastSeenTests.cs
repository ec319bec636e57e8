using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Presence.Tests.Features;

public sealed class OnlineAndLastSeenTests(LongTtlFixture host) : IClassFixture<LongTtlFixture>
{
    [Fact]
    public async Task Given_A_watches_B_When_B_says_goodbye_Then_A_sees_offline_and_a_last_seen_at_once()
    {
        var (alice, bob, _) = await ChatPairAsync();
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob);
        await bobPhone.CaughtUpAsync();
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice);
        await alicePhone.CaughtUpAsync();

        await alicePhone.WatchAsync(bob.UserId);
        Assert.Equal(PresenceState.Online, (await alicePhone.PresenceAsync(bob.UserId)).State);

        var before = DateTimeOffset.UtcNow;
        await bobPhone.CloseAsync();
        // The key would live a minute more: only the goodbye can make this arrive within the timeout.
        var offline = await alicePhone.PresenceAsync(bob.UserId, p => p.State != PresenceState.Online);
        Assert.Equal(PresenceState.Offline, offline.State);
        Assert.InRange(offline.LastSeenAt.ToDateTimeOffset(), before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task Given_B_shows_presence_to_nobody_When_A_watches_and_B_comes_and_goes_Then_A_learns_nothing()
    {
        var (alice, bob, _) = await ChatPairAsync();
        await host.Channel.SetPresenceVisibilityAsync(bob, PresenceVisibility.Nobody);
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice);
        await alicePhone.CaughtUpAsync();
        await alicePhone.WatchAsync(bob.UserId);
        Assert.Equal(PresenceState.Hidden, (await alicePhone.PresenceAsync(bob.UserId)).State);

        await using (var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob))
        {
            await bobPhone.CaughtUpAsync();
            await bobPhone.CloseAsync();
            await bobPhone.Completion;
        }

        var watched = await host.Channel.Presence().WatchPresenceAsync(new WatchPresenceRequest { UserIds = { bob.UserId } }, alice.Auth);
        Assert.True(Assert.Single(watched.Presences) is { State: PresenceState.Hidden, LastSeenAt: null });

        // Bob came, Bob went, and the watch above answered on the stream too: three events, none revealing anything.
        for (var i = 0; i < 3; i++)
        {
            var seen = await alicePhone.PresenceAsync(bob.UserId);
            Assert.True(seen is { State: PresenceState.Hidden, LastSeenAt: null }, $"leaked: {seen}");
        }
    }

    [Fact]
    public async Task Given_a_stranger_who_shares_no_conversation_When_they_watch_Then_PERMISSION_DENIED_on_the_call_and_on_the_stream()
    {
        var (_, bob, _) = await ChatPairAsync();
        var stranger = await host.Channel.RegisterAndLoginAsync();

        var refused = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => host.Channel.Presence()
            .WatchPresenceAsync(new WatchPresenceRequest { UserIds = { bob.UserId } }, stranger.Auth).ResponseAsync);
        Assert.Equal("NOT_A_CONTACT", refused.Reason());

        await using var strangerPhone = await DeviceStream.ConnectAsync(host.Channel, stranger);
        await strangerPhone.CaughtUpAsync();
        await strangerPhone.WatchAsync(bob.UserId);
        Assert.Equal((int)StatusCode.PermissionDenied, (await strangerPhone.RejectedAsync(RequestRejected.Types.Request.WatchPresence)).Code);

        // Showing presence to everyone lets anyone watch.
        await host.Channel.SetPresenceVisibilityAsync(bob, PresenceVisibility.Everyone);
        var watched = await host.Channel.Presence().WatchPresenceAsync(new WatchPresenceRequest { UserIds = { bob.UserId } }, stranger.Auth);
        Assert.Equal(PresenceState.Offline, Assert.Single(watched.Presences).State);
    }

    [Fact]
    public async Task Given_heartbeats_faster_than_allowed_When_sent_Then_the_extra_one_is_refused_and_the_stream_stays_up()
    {
        var (alice, _, chat) = await ChatPairAsync();
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice);
        await alicePhone.CaughtUpAsync();

        await alicePhone.HeartbeatAsync();
        await alicePhone.HeartbeatAsync();
        var refused = await alicePhone.RejectedAsync(RequestRejected.Types.Request.Heartbeat);
        Assert.Equal(((int)StatusCode.ResourceExhausted, "HEARTBEAT_TOO_FREQUENT"), (refused.Code, refused.Reason));
        Assert.InRange(refused.RetryAfter.ToTimeSpan(), TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));

        await alicePhone.SendTextAsync(chat.ConversationId, "still here");
        Assert.NotNull((await alicePhone.NextAsync(e => e.SendAccepted is not null)).SendAccepted);
        Assert.DoesNotContain(alicePhone.Drain(), e => e.Rejected is not null);
    }

    private async Task<(TestSession Alice, TestSession Bob, Conversation Chat)> ChatPairAsync()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        return (alice, bob, await host.Channel.OpenDirectChatAsync(alice, bob));
    }
}
