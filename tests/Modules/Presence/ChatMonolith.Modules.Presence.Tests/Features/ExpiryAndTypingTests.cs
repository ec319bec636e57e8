using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Presence.Tests.Features;

public sealed class ExpiryAndTypingTests(ShortTtlFixture host) : IClassFixture<ShortTtlFixture>
{
    [Fact]
    public async Task Given_B_vanishes_without_a_goodbye_When_its_key_expires_Then_A_sees_offline_within_the_TTL_bound_and_last_seen_is_stored()
    {
        var (alicePhone, bobPhone, bob) = await VanishingPhone.AliceWatchesBobsPhoneAsync(host.Channel);
        await using var _ = alicePhone;
        Assert.Equal(PresenceState.Online, (await alicePhone.PresenceAsync(bob.UserId)).State);

        // Killed: the call is torn down without the request stream being closed.
        await bobPhone.DisposeAsync();
        var offline = await alicePhone.PresenceAsync(bob.UserId, p => p.State == PresenceState.Offline, timeout: ShortTtlFixture.Ttl * 5);
        Assert.NotNull(offline.LastSeenAt);
        Assert.Equal(offline.LastSeenAt.ToDateTimeOffset().ToUnixTimeMilliseconds(), (await StoredLastSeenAsync(bob.UserId)).ToUnixTimeMilliseconds(), 1.0);
    }

    [Fact]
    public async Task Given_A_and_B_in_a_chat_When_A_types_stops_and_types_again_Then_B_sees_each_and_the_last_start_expires_on_its_own()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice);
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob);
        await Task.WhenAll(alicePhone.CaughtUpAsync(), bobPhone.CaughtUpAsync());

        await alicePhone.TypingAsync(chat.ConversationId, true);
        var started = await TypingAsync(bobPhone);
        Assert.True(started is { Typing: true, ExpiresAt: not null } && started.UserId == alice.UserId && started.ConversationId == chat.ConversationId);
        await alicePhone.TypingAsync(chat.ConversationId, false);
        Assert.False((await TypingAsync(bobPhone)).Typing);

        await alicePhone.TypingAsync(chat.ConversationId, true);
        Assert.True((await TypingAsync(bobPhone)).Typing);
        Assert.False((await TypingAsync(bobPhone)).Typing); // no refresh, no stop: it ran out
        Assert.DoesNotContain(alicePhone.Drain(), e => e.Typing is not null);
    }

    [Fact]
    public async Task Given_a_chatty_or_foreign_typist_When_they_signal_Then_they_are_refused_and_their_stream_stays_up()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var stranger = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);

        // A stranger hears what an unknown id gets: nothing tells them the conversation exists.
        var refused = await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.Presence()
            .SetTypingAsync(new SetTypingRequest { ConversationId = chat.ConversationId, Typing = true }, stranger.Auth).ResponseAsync);
        var unknown = await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.Presence()
            .SetTypingAsync(new SetTypingRequest { ConversationId = Guid.NewGuid().ToString(), Typing = true }, stranger.Auth).ResponseAsync);
        Assert.Equal((unknown.Reason(), unknown.Status.Detail), (refused.Reason(), refused.Status.Detail));

        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice);
        await alicePhone.CaughtUpAsync();
        for (var i = 0; i < 25; i++)
        {
            await alicePhone.TypingAsync(chat.ConversationId, i % 2 == 0);
        }

        var limited = await alicePhone.RejectedAsync(RequestRejected.Types.Request.Typing);
        Assert.Equal(((int)StatusCode.ResourceExhausted, "TYPING_RATE_LIMITED"), (limited.Code, limited.Reason));
        Assert.InRange(limited.RetryAfter.ToTimeSpan(), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));
        await alicePhone.SendTextAsync(chat.ConversationId, "still connected");
        Assert.NotNull((await alicePhone.NextAsync(e => e.SendAccepted is not null)).SendAccepted);
    }

    private static async Task<TypingUpdate> TypingAsync(DeviceStream stream) => (await stream.NextAsync(e => e.Typing is not null)).Typing;

    private Task<DateTimeOffset> StoredLastSeenAsync(string userId) =>
        host.ScalarAsync<DateTimeOffset>("SELECT last_seen_at FROM presence.user_presence WHERE user_id = @u", ("u", Guid.Parse(userId)));
}
