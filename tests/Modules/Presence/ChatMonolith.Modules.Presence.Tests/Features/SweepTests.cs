using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Presence.Tests.Features;

public sealed class SweepTests(SweepOnlyFixture host) : IClassFixture<SweepOnlyFixture>
{
    [Fact]
    public async Task Given_no_expiry_notifications_When_a_device_vanishes_Then_the_sweep_finds_it_and_A_sees_offline()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        await host.Channel.OpenDirectChatAsync(alice, bob);
        var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob);
        await bobPhone.CaughtUpAsync();
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice);
        await alicePhone.CaughtUpAsync();
        await alicePhone.WatchAsync(bob.UserId);
        Assert.Equal(PresenceState.Online, (await alicePhone.PresenceAsync(bob.UserId)).State);

        await bobPhone.DisposeAsync();
        var offline = await alicePhone.PresenceAsync(bob.UserId, p => p.State == PresenceState.Offline, timeout: TimeSpan.FromSeconds(15));
        Assert.NotNull(offline.LastSeenAt);
    }
}
