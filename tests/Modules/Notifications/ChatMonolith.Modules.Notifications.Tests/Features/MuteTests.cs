using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

public sealed class MuteTests(NotificationsHost host) : IClassFixture<NotificationsHost>
{
    [Fact]
    public async Task Given_a_user_When_they_mute_for_an_hour_mute_for_good_and_unmute_Then_their_list_follows_and_is_theirs_alone()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        var group = await host.Channel.CreateGroupAsync(alice, "noisy", [bob]);
        var notifications = host.Channel.Notifications();
        var inAnHour = DateTimeOffset.UtcNow.AddHours(1);

        var hour = await notifications.SetMuteAsync(new SetMuteRequest { ConversationId = chat.ConversationId, Until = Timestamp.FromDateTimeOffset(inAnHour) }, alice.Auth);
        await notifications.SetMuteAsync(new SetMuteRequest { ConversationId = group.ConversationId, Forever = true }, alice.Auth);

        Assert.Equal(inAnHour.ToUnixTimeMilliseconds(), hour.Mute.Until.ToDateTimeOffset().ToUnixTimeMilliseconds());
        var mutes = (await notifications.ListMutesAsync(new ListMutesRequest(), alice.Auth)).Mutes.ToDictionary(m => m.ConversationId);
        Assert.Equal(2, mutes.Count);
        Assert.NotNull(mutes[chat.ConversationId].Until);
        Assert.Null(mutes[group.ConversationId].Until);
        Assert.Empty((await notifications.ListMutesAsync(new ListMutesRequest(), bob.Auth)).Mutes);

        var unmuted = await notifications.SetMuteAsync(new SetMuteRequest { ConversationId = chat.ConversationId, Unmute = true }, alice.Auth);
        Assert.Null(unmuted.Mute);
        Assert.Equal(group.ConversationId, Assert.Single((await notifications.ListMutesAsync(new ListMutesRequest(), alice.Auth)).Mutes).ConversationId);
    }

    public static TheoryData<string, string> BadMutes => new()
    {
        { "no mute", "mute" },
        { "in the past", "until" },
        { "beyond a year", "until" },
        { "an invalid timestamp", "until" },
        { "forever false", "forever" },
        { "not a conversation id", "conversation_id" },
    };

    [Theory]
    [MemberData(nameof(BadMutes))]
    public async Task Given_a_malformed_mute_When_it_is_set_Then_INVALID_ARGUMENT_names_the_field_and_nothing_is_muted(string what, string field)
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var conversationId = Guid.NewGuid().ToString();
        var request = what switch
        {
            "no mute" => new SetMuteRequest { ConversationId = conversationId },
            "in the past" => new SetMuteRequest { ConversationId = conversationId, Until = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)) },
            "beyond a year" => new SetMuteRequest { ConversationId = conversationId, Until = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(2)) },
            "an invalid timestamp" => new SetMuteRequest { ConversationId = conversationId, Until = new Timestamp { Seconds = long.MaxValue } },
            "forever false" => new SetMuteRequest { ConversationId = conversationId, Forever = false },
            "not a conversation id" => new SetMuteRequest { ConversationId = "chat-1", Forever = true },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var refused = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => host.Channel.Notifications().SetMuteAsync(request, alice.Auth).ResponseAsync);

        Assert.Contains(field, refused.ViolatedFields());
        Assert.Empty((await host.Channel.Notifications().ListMutesAsync(new ListMutesRequest(), alice.Auth)).Mutes);
    }
}
