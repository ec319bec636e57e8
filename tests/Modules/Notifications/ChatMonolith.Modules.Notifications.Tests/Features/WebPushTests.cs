using ChatMonolith.Modules.Notifications.Tests.Fakes;
using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>Pushes through Web Push, checked at a fake push service that verifies VAPID and decrypts the aes128gcm payload with the subscription's key.</summary>
public abstract class WebPushTests<THost>(THost host) : IClassFixture<THost>
    where THost : class, IPushHost
{
    [Fact]
    public async Task Given_a_browser_subscription_When_a_group_message_comes_Then_the_push_service_gets_it_encrypted_for_the_browser_with_VAPID()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var subscription = host.WebPush.Subscribe();
        await host.Channel.Notifications().SetPushTargetAsync(new SetPushTargetRequest { WebPush = subscription }, bob.Auth);
        await host.PushCanReachAsync(bob);
        var group = await host.Channel.CreateGroupAsync(alice, "Climbing", [bob]);

        var accepted = await host.Channel.SendAsync(alice, group.ConversationId, "Saturday, 9 am?");

        var push = await host.WebPush.Received.NextAsync(p => p.Endpoint == subscription.Endpoint, () => string.Join("; ", host.WebPush.Refusals));
        Assert.Equal((Guid.Parse(group.ConversationId).ToString("N"), "high", (2 * 24 * 3600).ToString()),
            (push.Headers["Topic"], push.Headers["Urgency"], push.Headers["TTL"]));
        var payload = push.Payload;
        Assert.Equal(("message", group.ConversationId, accepted.Seq, "Climbing", $"{alice.Username}: Saturday, 9 am?"),
            (payload.GetProperty("type").GetString(), payload.GetProperty("conversation_id").GetString(), payload.GetProperty("seq").GetInt64(),
                payload.GetProperty("title").GetString(), payload.GetProperty("body").GetString()));
        Assert.Equal(payload.GetProperty("unread").GetInt64(), payload.GetProperty("badge").GetInt64());
        Assert.Empty(host.WebPush.Refusals);
    }

    [Fact]
    public async Task Given_Web_Push_configured_When_a_browser_asks_for_the_key_Then_it_gets_the_VAPID_public_key_to_subscribe_with()
    {
        var bob = await host.Channel.RegisterAndLoginAsync();
        var answer = await host.Channel.Notifications().GetWebPushKeyAsync(new GetWebPushKeyRequest(), bob.Auth);
        Assert.Equal(host.WebPush.Vapid.PublicKey, answer.VapidPublicKey);
        Assert.Equal(65, Convert.FromBase64String(answer.VapidPublicKey.Replace('-', '+').Replace('_', '/') + "=").Length);
    }

    [Fact]
    public async Task Given_the_push_service_answers_410_When_a_push_is_sent_Then_the_subscription_is_removed()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var subscription = host.WebPush.Subscribe();
        await host.Channel.Notifications().SetPushTargetAsync(new SetPushTargetRequest { WebPush = subscription }, bob.Auth);
        await host.PushCanReachAsync(bob);
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        host.WebPush.AnswerNext(subscription.Endpoint, 410);

        await host.Channel.SendAsync(alice, chat.ConversationId, "unsubscribed?");

        await DatabaseState.UntilAsync(
            async () => (await host.Channel.Notifications().ListPushTargetsAsync(new ListPushTargetsRequest(), bob.Auth)).Targets.Count == 0,
            Inbox.Patience,
            () => Task.FromResult("the subscription the push service called gone was kept"));
        Assert.Empty(host.WebPush.Refusals);
    }
}

/// <summary>Every module in one host.</summary>
public sealed class WebPushTestsInOneProcess(PushHost host) : WebPushTests<PushHost>(host);

/// <summary>Notifications in a process of its own (<c>Host:Runs</c>), the host beside it.</summary>
public sealed class WebPushTestsWithNotificationsApart(SplitPushHost host) : WebPushTests<SplitPushHost>(host);
