using System.Text.Json;
using ChatMonolith.Modules.Notifications.Tests.Fakes;
using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>Pushes through FCM HTTP v1 to devices that no live stream reached, checked at a fake FCM that verifies the OAuth2 assertion.</summary>
public abstract class FcmPushTests<THost>(THost host) : IClassFixture<THost>
    where THost : class, IPushHost
{
    [Fact]
    public async Task Given_an_offline_device_with_an_FCM_token_When_a_message_is_sent_Then_FCM_gets_one_push_with_the_collapse_key_conversation_and_seq()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var token = await SetTokenAsync(bob);
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);

        var accepted = await host.Channel.SendAsync(alice, chat.ConversationId, "Lunch at noon?");

        var push = await NextPushAsync(token);
        var conversation = Guid.Parse(chat.ConversationId).ToString("N");
        Assert.Equal(conversation, push.GetProperty("android").GetProperty("collapse_key").GetString());
        Assert.Equal("HIGH", push.GetProperty("android").GetProperty("priority").GetString());
        var data = push.GetProperty("data");
        // The unread count is the conversation list's: one message (a direct chat's start is nothing to read).
        Assert.Equal(("message", chat.ConversationId, accepted.Seq.ToString(), "1"),
            (data.GetProperty("type").GetString(), data.GetProperty("conversation_id").GetString(), data.GetProperty("seq").GetString(), data.GetProperty("unread").GetString()));
        var notification = push.GetProperty("android").GetProperty("notification");
        Assert.Equal((alice.Username, "Lunch at noon?", conversation),
            (notification.GetProperty("title").GetString(), notification.GetProperty("body").GetString(), notification.GetProperty("tag").GetString()));
        Assert.Empty(host.Fcm.Refusals);
    }

    [Fact]
    public async Task Given_twenty_messages_in_one_window_When_it_closes_Then_each_offline_device_gets_one_push_with_the_count_and_a_read_elsewhere_clears_it()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var token = await SetTokenAsync(bob);
        var bobsLaptop = await host.Channel.LoginAsync(bob.Username, "laptop");
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);

        var sent = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => host.Channel.SendAsync(alice, chat.ConversationId, $"message {i}")));
        var last = sent.Max(s => s.Seq);

        var push = await NextPushAsync(token);
        var data = push.GetProperty("data");
        // One push for all twenty, counting twenty (the chat's start is nothing to read).
        Assert.Equal((last.ToString(), "20", "20"), (data.GetProperty("seq").GetString(), data.GetProperty("unread").GetString(), data.GetProperty("badge").GetString()));
        Assert.Equal(20, push.GetProperty("android").GetProperty("notification").GetProperty("notification_count").GetInt32());

        await host.Channel.Streams().MarkReadAsync(new Protos.Messaging.V1.MarkReadRequest { ConversationId = chat.ConversationId, Seq = last }, bobsLaptop.Auth);

        var clear = await NextPushAsync(token);
        var cleared = clear.GetProperty("data");
        Assert.Equal(("clear", chat.ConversationId, "0"), (cleared.GetProperty("type").GetString(), cleared.GetProperty("conversation_id").GetString(), cleared.GetProperty("badge").GetString()));
        Assert.False(clear.GetProperty("android").TryGetProperty("notification", out _));
    }

    [Fact]
    public async Task Given_a_muted_chat_When_messages_come_in_it_and_in_another_Then_the_muted_one_pushes_nothing_but_streams_and_counts_in_the_badge()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var carol = await host.Channel.RegisterAndLoginAsync();
        var token = await SetTokenAsync(bob);
        var bobsLaptop = await host.Channel.LoginAsync(bob.Username, "laptop");
        var noisy = await host.Channel.OpenDirectChatAsync(carol, bob);
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await host.Channel.Notifications().SetMuteAsync(new SetMuteRequest { ConversationId = noisy.ConversationId, Forever = true }, bob.Auth);
        await using var laptopStream = await DeviceStream.ConnectAsync(host.Channel, bobsLaptop, new Protos.Messaging.V1.ConversationCursor { ConversationId = noisy.ConversationId, Seq = noisy.LastSeq });
        await laptopStream.CaughtUpAsync();

        var muted = await host.Channel.SendAsync(carol, noisy.ConversationId, "you muted me");
        Assert.Equal("you muted me", (await laptopStream.MessagesAsync(noisy.ConversationId, 1))[0].Text);
        await laptopStream.DisposeAsync();
        var accepted = await host.Channel.SendAsync(alice, chat.ConversationId, "but not me");

        // The first push the phone gets is the unmuted chat's; the muted one's unread counts in the badge all the same:
        // one message in each.
        var data = (await NextPushAsync(token)).GetProperty("data");
        Assert.Equal((chat.ConversationId, accepted.Seq.ToString(), "2"),
            (data.GetProperty("conversation_id").GetString(), data.GetProperty("seq").GetString(), data.GetProperty("badge").GetString()));
        Assert.Equal(0L, await host.ScalarAsync<long>(
            "SELECT count(*) FROM notifications.push_windows WHERE conversation_id = @chat", ("chat", Guid.Parse(noisy.ConversationId))));
    }

    [Fact]
    public async Task Given_one_device_online_and_one_offline_When_a_message_is_sent_Then_only_the_offline_one_gets_a_push()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var phoneToken = await SetTokenAsync(bob);
        var laptop = await host.Channel.LoginAsync(bob.Username, "laptop");
        await SetTokenAsync(laptop);
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var laptopStream = await DeviceStream.ConnectAsync(host.Channel, laptop);
        await laptopStream.CaughtUpAsync();

        var accepted = await host.Channel.SendAsync(alice, chat.ConversationId, "only the phone is asleep");

        Assert.Equal(accepted.Seq.ToString(), (await NextPushAsync(phoneToken)).GetProperty("data").GetProperty("seq").GetString());
        Assert.Single(await laptopStream.MessagesAsync(chat.ConversationId, 1));
        // Both devices were decided on in one transaction: the phone's push exists, so the laptop's absence is final.
        Assert.Equal(0L, await host.ScalarAsync<long>(
            "SELECT count(*) FROM notifications.push_windows WHERE device_id = @device", ("device", Guid.Parse(laptop.DeviceId))));
    }

    [Fact]
    public async Task Given_a_device_whose_stream_closed_When_a_message_comes_Then_it_gets_a_push()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var token = await SetTokenAsync(bob);
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        var phone = await DeviceStream.ConnectAsync(host.Channel, bob, new Protos.Messaging.V1.ConversationCursor { ConversationId = chat.ConversationId, Seq = chat.LastSeq });
        await phone.CaughtUpAsync();

        await host.Channel.SendAsync(alice, chat.ConversationId, "while you look");
        Assert.Single(await phone.MessagesAsync(chat.ConversationId, 1));
        // Closed, and the server has ended the call: the stream is no longer the device's.
        await phone.CloseAsync();
        await phone.Completion.WaitAsync(DeviceStream.Timeout);
        await phone.DisposeAsync();
        var later = await host.Channel.SendAsync(alice, chat.ConversationId, "after you left");

        var data = (await NextPushAsync(token)).GetProperty("data");
        // Both messages are unread: the one the phone received was not read.
        Assert.Equal((later.Seq.ToString(), "2"), (data.GetProperty("seq").GetString(), data.GetProperty("unread").GetString()));
    }

    [Fact]
    public async Task Given_FCM_answers_503_twice_When_a_push_is_due_Then_it_is_delivered_once_on_the_third_attempt()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var token = await SetTokenAsync(bob);
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        host.Fcm.AnswerNext(token, 503, 503);

        var accepted = await host.Channel.SendAsync(alice, chat.ConversationId, "third time lucky");

        Assert.Equal(accepted.Seq.ToString(), (await NextPushAsync(token)).GetProperty("data").GetProperty("seq").GetString());
        Assert.Equal(3, host.Fcm.RequestsFor(token));
    }

    private async Task<string> SetTokenAsync(TestSession device)
    {
        var token = $"fcm-token-{Guid.NewGuid():N}";
        await host.Channel.Notifications().SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = token } }, device.Auth);
        await host.PushCanReachAsync(device);
        return token;
    }

    /// <summary>The next push the fake took for <paramref name="token"/>.</summary>
    private Task<JsonElement> NextPushAsync(string token) => host.Fcm.Received.NextAsync(push => push.GetProperty("token").GetString() == token);
}

/// <summary>Every module in one host.</summary>
public sealed class FcmPushTestsInOneProcess(PushHost host) : FcmPushTests<PushHost>(host);

/// <summary>Notifications in a process of its own (<c>Host:Runs</c>), the host beside it.</summary>
public sealed class FcmPushTestsWithNotificationsApart(SplitPushHost host) : FcmPushTests<SplitPushHost>(host);
