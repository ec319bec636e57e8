using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Presence.Tests.Features;

public sealed class SweepTests(SweepOnlyFixture host) : IClassFixture<SweepOnlyFixture>
{
    [Fact]
    public async Task Given_no_expiry_notifications_When_a_device_vanishes_Then_the_sweep_finds_it_and_A_sees_offline()
    {
        var (alicePhone, bobPhone, bob) = await VanishingPhone.AliceWatchesBobsPhoneAsync(host.Channel);
        await using var _ = alicePhone;
        Assert.Equal(PresenceState.Online, (await alicePhone.PresenceAsync(bob.UserId)).State);

        await bobPhone.DisposeAsync();
        var offline = await alicePhone.PresenceAsync(bob.UserId, p => p.State == PresenceState.Offline, timeout: TimeSpan.FromSeconds(15));
        Assert.NotNull(offline.LastSeenAt);
    }
}
