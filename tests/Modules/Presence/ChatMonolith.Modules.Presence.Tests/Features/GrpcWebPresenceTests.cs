using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Presence.Tests.Features;

public sealed class GrpcWebPresenceTests(LongTtlFixture host) : IClassFixture<LongTtlFixture>
{
    [Fact]
    public async Task Given_a_browser_on_grpc_web_When_it_heartbeats_types_and_watches_by_unary_calls_Then_it_gets_the_same_events_on_its_subscription()
    {
        var browserUser = await host.WebChannel.RegisterAndLoginAsync();
        var nativeUser = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.WebChannel.OpenDirectChatAsync(browserUser, nativeUser);
        await using var native = await DeviceStream.ConnectAsync(host.Channel, nativeUser);
        await native.CaughtUpAsync();
        await native.WatchAsync(browserUser.UserId);
        Assert.Equal(PresenceState.Offline, (await native.PresenceAsync(browserUser.UserId)).State);

        await using var browser = DeviceStream.Subscribe(host.WebChannel, browserUser);
        await browser.CaughtUpAsync();
        Assert.Equal(PresenceState.Online, (await native.PresenceAsync(browserUser.UserId)).State);

        var heartbeat = await host.WebChannel.Presence().HeartbeatAsync(new HeartbeatRequest(), browserUser.Auth);
        Assert.Equal(60, heartbeat.IntervalSeconds);
        await host.WebChannel.Presence().SetTypingAsync(new SetTypingRequest { ConversationId = chat.ConversationId, Typing = true }, browserUser.Auth);
        Assert.Equal(browserUser.UserId, (await native.NextAsync(e => e.Typing is { Typing: true })).Typing.UserId);

        var watched = await host.WebChannel.Presence().WatchPresenceAsync(new WatchPresenceRequest { UserIds = { nativeUser.UserId } }, browserUser.Auth);
        Assert.Equal(PresenceState.Online, Assert.Single(watched.Presences).State);
        Assert.Equal(PresenceState.Online, (await browser.PresenceAsync(nativeUser.UserId)).State);
    }
}
