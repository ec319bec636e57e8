using ChatMonolith.Testing;
using static ChatMonolith.Modules.Receipts.Tests.Features.ReceiptTicksTests;

namespace ChatMonolith.Modules.Receipts.Tests.Features;

/// <summary>A window long enough that a burst of acks surely falls into one.</summary>
public sealed class LongWindowFixture : ChatHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Receipts:CoalescingWindow", "00:00:03")];
}

public sealed class CoalescingTests(LongWindowFixture host) : IClassFixture<LongWindowFixture>
{
    [Fact]
    public async Task Given_a_burst_of_acks_within_one_window_When_it_closes_Then_one_update_is_stored_and_one_event_told()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(chat));
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(chat));
        await Task.WhenAll(alicePhone.CaughtUpAsync(), bobPhone.CaughtUpAsync());
        long last = 0;
        for (var i = 1; i <= 20; i++)
        {
            last = (await host.Channel.SendAsync(alice, chat.ConversationId, $"burst {i}")).Seq;
        }

        foreach (var message in await bobPhone.MessagesAsync(chat.ConversationId, 20))
        {
            await bobPhone.AckAsync(chat.ConversationId, message.Seq);
        }

        Assert.Equal(last, (await alicePhone.ReceiptAsync(bob.UserId)).DeliveredSeq);
        Assert.DoesNotContain(alicePhone.Drain(), e => e.Receipt is not null);
        Assert.Equal(1, await StoredUpdatesAsync(chat.ConversationId, bob.UserId));
    }

    private Task<int> StoredUpdatesAsync(string conversationId, string userId) => host.ScalarAsync<int>(
        "SELECT cardinality(delivered_marks) FROM receipts.watermarks WHERE conversation_id = @c AND user_id = @u",
        ("c", Guid.Parse(conversationId)), ("u", Guid.Parse(userId)));
}
