using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using static ChatMonolith.Modules.Messaging.Tests.Features.DeliveryTests;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>
/// A stream's catch-up reads the user's membership windows: what each conversation lets them read. Run once for each
/// way of reading them (one statement on plain PostgreSQL, key lookups routed per shard on Citus).
/// </summary>
public abstract class CatchUpWindowsTests(ChatHostFixture host)
{
    [Fact]
    public async Task Given_a_user_offline_while_a_chat_talks_and_a_group_removes_them_When_they_reconnect_Then_they_get_the_chat_after_their_cursor_and_the_group_up_to_their_removal()
    {
        var me = await host.Channel.RegisterAndLoginAsync();
        var friend = await host.Channel.RegisterAndLoginAsync();
        var admin = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(me, friend);
        var group = await host.Channel.CreateGroupAsync(admin, "club", [me]);
        var seen = await host.Channel.SendAsync(friend, chat.ConversationId, "seen before going offline");
        var missed = await host.Channel.SendAsync(friend, chat.ConversationId, "missed");
        var before = await host.Channel.SendAsync(admin, group.ConversationId, "before the removal");
        var removal = await host.Channel.Conversations().RemoveMemberAsync(
            new RemoveMemberRequest { ConversationId = group.ConversationId, UserId = me.UserId }, admin.Auth);
        await host.Channel.SendAsync(admin, group.ConversationId, "after the removal");
        var other = await host.Channel.CreateGroupAsync(admin, "never mine", [friend]);
        await host.Channel.SendAsync(admin, other.ConversationId, "not for me");

        await using var phone = await DeviceStream.ConnectAsync(host.Channel, me, Cursor(chat, seen.Seq), Cursor(group, 1));
        await phone.CaughtUpAsync();

        var messages = phone.Drain().Where(e => e.Message is not null).Select(e => e.Message).ToList();
        Assert.Equal([(chat.ConversationId, missed.Seq)], messages.Where(m => m.ConversationId == chat.ConversationId).Select(m => (m.ConversationId, m.Seq)));
        Assert.Equal([before.Seq, removal.Seq], messages.Where(m => m.ConversationId == group.ConversationId).Select(m => m.Seq));
        Assert.DoesNotContain(messages, m => m.ConversationId == other.ConversationId);
    }
}

public sealed class CatchUpWindowsInOneStatementTests(ChatHostFixture host) : CatchUpWindowsTests(host), IClassFixture<ChatHostFixture>;

public sealed class CatchUpWindowsPerShardTests(CitusStatementsFixture host) : CatchUpWindowsTests(host), IClassFixture<CitusStatementsFixture>;
