using ChatMonolith.Testing;
using Grpc.Net.Client;

namespace ChatMonolith.Modules.Presence.Tests.Features;

/// <summary>Where the tests of a device that vanishes without a goodbye start.</summary>
internal static class VanishingPhone
{
    /// <summary>Alice and Bob share a chat, Bob's phone is connected, and Alice's phone watches Bob.</summary>
    public static async Task<(DeviceStream AlicePhone, DeviceStream BobPhone, TestSession Bob)> AliceWatchesBobsPhoneAsync(GrpcChannel channel)
    {
        var alice = await channel.RegisterAndLoginAsync();
        var bob = await channel.RegisterAndLoginAsync();
        await channel.OpenDirectChatAsync(alice, bob);
        var bobPhone = await DeviceStream.ConnectAsync(channel, bob);
        await bobPhone.CaughtUpAsync();
        var alicePhone = await DeviceStream.ConnectAsync(channel, alice);
        await alicePhone.CaughtUpAsync();
        await alicePhone.WatchAsync(bob.UserId);
        return (alicePhone, bobPhone, bob);
    }
}
