using System.Text.Json;
using ChatMonolith.Modules.Notifications.Tests.Fakes;
using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>
/// Notifications in a process of its own, killed (SIGKILL) and started again, and the host killed right after a
/// commit: what was decided or queued for push is sent once, and nothing twice.
/// </summary>
public sealed class NotificationsProcessTests(SplitPushHost host) : IClassFixture<SplitPushHost>
{
    [Fact]
    public async Task Given_the_Notifications_process_is_killed_When_messages_come_while_it_is_down_and_it_starts_again_Then_each_is_pushed_once_and_the_earlier_push_not_again()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var (bob, bobsToken) = await OfflineWithTokenAsync();
        var (carol, carolsToken) = await OfflineWithTokenAsync();
        var toBob = await host.Channel.OpenDirectChatAsync(alice, bob);
        var toCarol = await host.Channel.OpenDirectChatAsync(alice, carol);
        var first = await host.Channel.SendAsync(alice, toBob.ConversationId, "before the crash");
        Assert.Equal(first.Seq.ToString(), Seq(await NextPushAsync(bobsToken)));

        await host.KillNotificationsAsync();
        var second = await host.Channel.SendAsync(alice, toBob.ConversationId, "while Notifications is down");
        var toCarolAccepted = await host.Channel.SendAsync(alice, toCarol.ConversationId, "also while it is down");
        await host.StartNotificationsAsync();

        Assert.Equal(toCarolAccepted.Seq.ToString(), Seq(await NextPushAsync(carolsToken)));
        Assert.Equal(second.Seq.ToString(), Seq(await NextPushAsync(bobsToken)));
        // A push decided after all of the above has gone out, so the earlier ones would have gone again by now.
        await MarkerPushAsync(alice);
        Assert.Equal((2, 1), (host.Fcm.RequestsFor(bobsToken), host.Fcm.RequestsFor(carolsToken)));
    }

    [Fact]
    public async Task Given_the_host_is_killed_right_after_a_send_is_acknowledged_When_it_starts_again_Then_the_push_is_sent_once()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var (bob, bobsToken) = await OfflineWithTokenAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);

        var accepted = await host.Channel.SendAsync(alice, chat.ConversationId, "the last thing the host did");
        await host.KillAndRestartHostAsync();

        // When the kill came before the batch's MessagesStored was handled, its envelope belongs to the dead host's
        // Wolverine node until the new host's durability agent finds that node stale and takes its envelopes over:
        // Wolverine's own timing (a minute or so by default), hence the patience.
        Assert.Equal(accepted.Seq.ToString(), Seq(await NextPushAsync(bobsToken, TimeSpan.FromMinutes(3))));
        await MarkerPushAsync(alice);
        Assert.Equal(1, host.Fcm.RequestsFor(bobsToken));
    }

    [Fact]
    public async Task Given_a_revoked_device_with_a_stream_and_a_target_When_Identity_tells_of_it_Then_the_host_ends_its_stream_and_the_Notifications_process_drops_its_target()
    {
        var phone = await host.Channel.RegisterAndLoginAsync();
        var laptop = await host.Channel.LoginAsync(phone.Username, "laptop");
        var notifications = host.Channel.Notifications();
        await notifications.SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = $"fcm-token-{Guid.NewGuid():N}" } }, phone.Auth);
        await using var stream = await DeviceStream.ConnectAsync(host.Channel, phone);
        await stream.CaughtUpAsync();

        // DeviceRevoked is heard on both sides: by Messaging in the host, and through the queue by Notifications.
        await host.Channel.Identity().RevokeDeviceAsync(new Protos.Identity.V1.RevokeDeviceRequest { DeviceId = phone.DeviceId }, laptop.Auth);

        var ended = await Assert.ThrowsAsync<RpcException>(() => stream.Completion.WaitAsync(DeviceStream.Timeout));
        Assert.Equal("DEVICE_REVOKED", ended.Reason());
        await DatabaseState.UntilAsync(
            async () => (await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), laptop.Auth)).Targets.Count == 0,
            Inbox.Patience,
            () => Task.FromResult("the revoked device's target is still listed"));
    }

    private async Task MarkerPushAsync(TestSession sender)
    {
        var (marker, markersToken) = await OfflineWithTokenAsync();
        var chat = await host.Channel.OpenDirectChatAsync(sender, marker);
        var accepted = await host.Channel.SendAsync(sender, chat.ConversationId, "marker");
        Assert.Equal(accepted.Seq.ToString(), Seq(await NextPushAsync(markersToken)));
    }

    private async Task<(TestSession Device, string Token)> OfflineWithTokenAsync()
    {
        var device = await host.Channel.RegisterAndLoginAsync();
        var token = $"fcm-token-{Guid.NewGuid():N}";
        await host.Channel.Notifications().SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = token } }, device.Auth);
        await host.PushCanReachAsync(device);
        return (device, token);
    }

    private static string? Seq(JsonElement push) => push.GetProperty("data").GetProperty("seq").GetString();

    private Task<JsonElement> NextPushAsync(string token, TimeSpan? patience = null) =>
        host.Fcm.Received.NextAsync(push => push.GetProperty("token").GetString() == token, () => string.Join("; ", host.Fcm.Refusals), patience);
}
