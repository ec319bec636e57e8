using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

public sealed class PushTargetTests(NotificationsHost host) : IClassFixture<NotificationsHost>
{
    private const string FcmToken = "fGx1:APA91bH-token_with-every:allowed-character";

    [Fact]
    public async Task Given_a_device_When_it_registers_replaces_and_removes_its_target_Then_the_list_shows_each_step_and_no_secret()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var notifications = host.Channel.Notifications();

        var fcm = await notifications.SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = FcmToken } }, alice.Auth);
        Assert.Equal((alice.DeviceId, PushProvider.Fcm), (fcm.Target.DeviceId, fcm.Target.Provider));

        var subscription = WebPushSubscriptions.Create("https://fcm.googleapis.com/fcm/send/abc:def");
        await notifications.SetPushTargetAsync(new SetPushTargetRequest { WebPush = subscription }, alice.Auth);
        var listed = Assert.Single((await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), alice.Auth)).Targets);
        Assert.Equal((alice.DeviceId, PushProvider.WebPush, "fcm.googleapis.com"), (listed.DeviceId, listed.Provider, listed.Detail));
        Assert.DoesNotContain(subscription.Auth, listed.ToString(), StringComparison.Ordinal);

        Assert.True((await notifications.RemovePushTargetAsync(new RemovePushTargetRequest(), alice.Auth)).Removed);
        Assert.False((await notifications.RemovePushTargetAsync(new RemovePushTargetRequest(), alice.Auth)).Removed);
        Assert.Empty((await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), alice.Auth)).Targets);
    }

    [Fact]
    public async Task Given_a_device_that_sets_its_target_ten_times_at_once_When_all_are_answered_Then_each_is_OK_and_it_has_one_target()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var notifications = host.Channel.Notifications();

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => notifications.SetPushTargetAsync(
            new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = $"{FcmToken}{i}" } }, alice.Auth).ResponseAsync));

        Assert.Equal(alice.DeviceId, Assert.Single((await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), alice.Auth)).Targets).DeviceId);
    }

    [Fact]
    public async Task Given_two_devices_with_targets_When_listing_Then_the_user_sees_both_and_another_user_sees_none()
    {
        var phone = await host.Channel.RegisterAndLoginAsync();
        var laptop = await host.Channel.LoginAsync(phone.Username, "laptop");
        var stranger = await host.Channel.RegisterAndLoginAsync();
        var notifications = host.Channel.Notifications();
        await notifications.SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = FcmToken } }, phone.Auth);
        await notifications.SetPushTargetAsync(new SetPushTargetRequest { WebPush = WebPushSubscriptions.Create("https://updates.push.services.mozilla.com/wpush/v2/x") }, laptop.Auth);

        var mine = await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), laptop.Auth);
        Assert.Equal(new[] { phone.DeviceId, laptop.DeviceId }.Order(), mine.Targets.Select(t => t.DeviceId).Order());
        Assert.Empty((await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), stranger.Auth)).Targets);
    }

    [Fact]
    public async Task Given_a_device_with_a_target_When_it_logs_out_Then_its_target_is_removed()
    {
        var phone = await host.Channel.RegisterAndLoginAsync();
        var laptop = await host.Channel.LoginAsync(phone.Username, "laptop");
        var notifications = host.Channel.Notifications();
        await notifications.SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = FcmToken } }, phone.Auth);
        await notifications.SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = FcmToken + "2" } }, laptop.Auth);

        await host.Channel.Identity().LogoutAsync(new LogoutRequest(), phone.Auth);

        // Identity tells of the revocation by an event: the target goes once Notifications has handled it.
        await DatabaseState.UntilAsync(
            async () => (await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), laptop.Auth)).Targets.All(t => t.DeviceId != phone.DeviceId),
            DeviceStream.Timeout,
            () => Task.FromResult("the logged-out device's target is still listed"));
        Assert.Equal(laptop.DeviceId, Assert.Single((await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), laptop.Auth)).Targets).DeviceId);
    }

    [Fact]
    public async Task Given_a_provider_the_deployment_has_not_configured_When_a_device_registers_for_it_Then_FAILED_PRECONDITION_and_nothing_is_stored()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var notifications = host.Channel.Notifications();

        var refused = await RpcAssert.FailsWithAsync(StatusCode.FailedPrecondition, () => notifications.SetPushTargetAsync(new SetPushTargetRequest
        {
            Apns = new ApnsTarget { DeviceToken = new string('a', 64), Topic = "com.example.chat", Environment = ApnsEnvironment.Production },
        }, alice.Auth).ResponseAsync);

        Assert.Equal("PROVIDER_NOT_CONFIGURED", refused.Reason());
        Assert.Contains("APNs", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), alice.Auth)).Targets);
    }

    public static TheoryData<string, string> BadTargets => new()
    {
        { "no target", "target" },
        { "fcm token with a space", "fcm.registration_token" },
        { "fcm token empty", "fcm.registration_token" },
        { "apns token not hex", "apns.device_token" },
        { "apns without topic", "apns.topic" },
        { "apns without environment", "apns.environment" },
        { "endpoint outside the allowlist", "web_push.endpoint" },
        { "endpoint over http", "web_push.endpoint" },
        { "endpoint at a loopback address", "web_push.endpoint" },
        { "p256dh of the wrong length", "web_push.p256dh" },
        { "auth not base64url", "web_push.auth" },
    };

    [Theory]
    [MemberData(nameof(BadTargets))]
    public async Task Given_a_malformed_target_When_a_device_registers_it_Then_INVALID_ARGUMENT_names_the_field_and_nothing_is_stored(string what, string field)
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var notifications = host.Channel.Notifications();
        var good = WebPushSubscriptions.Create("https://fcm.googleapis.com/fcm/send/x");
        var request = what switch
        {
            "no target" => new SetPushTargetRequest(),
            "fcm token with a space" => new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = "abc def" } },
            "fcm token empty" => new SetPushTargetRequest { Fcm = new FcmTarget() },
            "apns token not hex" => new SetPushTargetRequest { Apns = new ApnsTarget { DeviceToken = new string('z', 64), Topic = "com.example.chat", Environment = ApnsEnvironment.Sandbox } },
            "apns without topic" => new SetPushTargetRequest { Apns = new ApnsTarget { DeviceToken = new string('a', 64), Environment = ApnsEnvironment.Sandbox } },
            "apns without environment" => new SetPushTargetRequest { Apns = new ApnsTarget { DeviceToken = new string('a', 64), Topic = "com.example.chat" } },
            "endpoint outside the allowlist" => new SetPushTargetRequest { WebPush = new WebPushTarget(good) { Endpoint = "https://attacker.example.com/collect" } },
            "endpoint over http" => new SetPushTargetRequest { WebPush = new WebPushTarget(good) { Endpoint = "http://fcm.googleapis.com/fcm/send/x" } },
            "endpoint at a loopback address" => new SetPushTargetRequest { WebPush = new WebPushTarget(good) { Endpoint = "https://127.0.0.1:6379/" } },
            "p256dh of the wrong length" => new SetPushTargetRequest { WebPush = new WebPushTarget(good) { P256Dh = good.Auth } },
            "auth not base64url" => new SetPushTargetRequest { WebPush = new WebPushTarget(good) { Auth = "%%%%" } },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var refused = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => notifications.SetPushTargetAsync(request, alice.Auth).ResponseAsync);

        Assert.Contains(field, refused.ViolatedFields());
        Assert.Empty((await notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), alice.Auth)).Targets);
    }
}
