using System.Security.Cryptography;
using ChatMonolith.Modules.Notifications.Tests.Fakes;
using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>Pushes through APNs over HTTP/2 and TLS, checked at a fake APNs that verifies the ES256 provider token and the headers.</summary>
public abstract class ApnsPushTests<THost>(THost host) : IClassFixture<THost>
    where THost : class, IPushHost
{
    private const string Topic = "com.example.chat";

    [Fact]
    public async Task Given_an_offline_iPhone_When_a_message_comes_and_is_read_elsewhere_Then_APNs_gets_an_alert_in_the_chat_thread_and_then_a_silent_clear()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var token = await SetTokenAsync(bob);
        var bobsLaptop = await host.Channel.LoginAsync(bob.Username, "laptop");
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        var conversation = Guid.Parse(chat.ConversationId).ToString("N");

        var accepted = await host.Channel.SendAsync(alice, chat.ConversationId, "Are you up?");

        var push = await NextPushAsync(token);
        Assert.Equal((Topic, "alert", "10", conversation),
            (push.Headers["apns-topic"], push.Headers["apns-push-type"], push.Headers["apns-priority"], push.Headers["apns-collapse-id"]));
        var aps = push.Body.GetProperty("aps");
        Assert.Equal((alice.Username, "Are you up?", conversation, 1L),
            (aps.GetProperty("alert").GetProperty("title").GetString(), aps.GetProperty("alert").GetProperty("body").GetString(),
                aps.GetProperty("thread-id").GetString(), aps.GetProperty("badge").GetInt64()));
        Assert.Equal((chat.ConversationId, accepted.Seq.ToString()), (push.Body.GetProperty("conversation_id").GetString(), push.Body.GetProperty("seq").GetString()));

        await host.Channel.Streams().MarkReadAsync(new Protos.Messaging.V1.MarkReadRequest { ConversationId = chat.ConversationId, Seq = accepted.Seq }, bobsLaptop.Auth);

        var clear = await NextPushAsync(token);
        Assert.Equal(("background", "5", conversation), (clear.Headers["apns-push-type"], clear.Headers["apns-priority"], clear.Headers["apns-collapse-id"]));
        var silent = clear.Body.GetProperty("aps");
        Assert.Equal((1, 0L, false), (silent.GetProperty("content-available").GetInt32(), silent.GetProperty("badge").GetInt64(), silent.TryGetProperty("alert", out _)));
        Assert.Equal("clear", clear.Body.GetProperty("type").GetString());
        Assert.Empty(host.Apns.Refusals);
    }

    [Fact]
    public async Task Given_APNs_answers_410_Unregistered_When_a_push_is_sent_Then_the_device_target_is_removed()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var token = await SetTokenAsync(bob);
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        host.Apns.AnswerNext(token, 410);

        await host.Channel.SendAsync(alice, chat.ConversationId, "anyone there?");

        await DatabaseState.UntilAsync(
            async () => (await host.Channel.Notifications().ListPushTargetsAsync(new ListPushTargetsRequest(), bob.Auth)).Targets.Count == 0,
            Inbox.Patience,
            () => Task.FromResult("the target APNs called gone was kept"));
        Assert.Equal(1, host.Apns.Requests.GetValueOrDefault(token));
    }

    [Fact]
    public async Task Given_an_APNs_that_hangs_When_a_group_message_goes_to_an_iPhone_and_an_Android_phone_Then_the_FCM_push_goes_out_while_APNs_still_hangs()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var carol = await host.Channel.RegisterAndLoginAsync();
        var iPhone = await SetTokenAsync(bob);
        host.Apns.Hang(iPhone);
        var android = $"fcm-token-{Guid.NewGuid():N}";
        await host.Channel.Notifications().SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = android } }, carol.Auth);
        await host.PushCanReachAsync(carol);
        var group = await host.Channel.CreateGroupAsync(alice, "isolation", [bob, carol]);

        var accepted = await host.Channel.SendAsync(alice, group.ConversationId, "one of you is on a bad provider");

        var push = await host.Fcm.Received.NextAsync(p => p.GetProperty("token").GetString() == android);
        Assert.Equal(accepted.Seq.ToString(), push.GetProperty("data").GetProperty("seq").GetString());
        // Both were due at once, and went out side by side: Bob's reaches APNs (perhaps after Carol's reached FCM) and
        // is still on its way (state 2, sending) until the provider timeout: the hanging provider held up nothing but
        // its own push.
        await DatabaseState.UntilAsync(() => Task.FromResult(host.Apns.Requests.GetValueOrDefault(iPhone) == 1), Inbox.Patience,
            () => Task.FromResult($"APNs got {host.Apns.Requests.GetValueOrDefault(iPhone)} requests for the iPhone"));
        Assert.Equal((short)2, await host.ScalarAsync<short>(
            "SELECT state FROM notifications.push_windows WHERE user_id = @bob AND conversation_id = @group",
            ("bob", Guid.Parse(bob.UserId)), ("group", Guid.Parse(group.ConversationId))));
    }

    private async Task<string> SetTokenAsync(TestSession device)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await host.Channel.Notifications().SetPushTargetAsync(
            new SetPushTargetRequest { Apns = new ApnsTarget { DeviceToken = token, Topic = Topic, Environment = ApnsEnvironment.Production } }, device.Auth);
        await host.PushCanReachAsync(device);
        return token;
    }

    private Task<ApnsPush> NextPushAsync(string token) => host.Apns.Received.NextAsync(push => push.DeviceToken == token);
}

/// <summary>Every module in one host.</summary>
public sealed class ApnsPushTestsInOneProcess(PushHost host) : ApnsPushTests<PushHost>(host);

/// <summary>Notifications in a process of its own (<c>Host:Runs</c>), the host beside it.</summary>
public sealed class ApnsPushTestsWithNotificationsApart(SplitPushHost host) : ApnsPushTests<SplitPushHost>(host);
