using ChatMonolith.Protos.Receipts.V1;
using ChatMonolith.Testing;
using static ChatMonolith.Modules.Receipts.Tests.Features.ReceiptTicksTests;

namespace ChatMonolith.Modules.Receipts.Tests.Features;

public sealed class ReadReceiptPrivacyTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_B_turned_read_receipts_off_When_both_read_Then_no_read_crosses_in_either_direction_and_delivery_still_does()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        await host.Channel.SetReadReceiptsAsync(bob, on: false);
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(chat));
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(chat));
        await Task.WhenAll(alicePhone.CaughtUpAsync(), bobPhone.CaughtUpAsync());

        var toBob = (await host.Channel.SendAsync(alice, chat.ConversationId, "read this")).Seq;
        await host.Channel.AckAsync(bob, chat.ConversationId, toBob);
        await host.Channel.MarkReadAsync(bob, chat.ConversationId, toBob);
        var toAlice = (await host.Channel.SendAsync(bob, chat.ConversationId, "and you this")).Seq;
        await host.Channel.AckAsync(alice, chat.ConversationId, toAlice);
        await host.Channel.MarkReadAsync(alice, chat.ConversationId, toAlice);

        // A later delivery is told after any earlier read would have been: once it is in, nothing read is pending.
        var last = (await host.Channel.SendAsync(alice, chat.ConversationId, "marker")).Seq;
        await host.Channel.AckAsync(bob, chat.ConversationId, last);
        await alicePhone.ReceiptAsync(bob.UserId, r => r.DeliveredSeq == last);
        var last2 = (await host.Channel.SendAsync(bob, chat.ConversationId, "marker")).Seq;
        await host.Channel.AckAsync(alice, chat.ConversationId, last2);
        await bobPhone.ReceiptAsync(alice.UserId, r => r.DeliveredSeq == last2);

        var atAlice = alicePhone.Drain().Where(e => e.Receipt?.UserId == bob.UserId).Select(e => e.Receipt).ToList();
        var atBob = bobPhone.Drain().Where(e => e.Receipt?.UserId == alice.UserId).Select(e => e.Receipt).ToList();
        Assert.Contains(atAlice, r => r.DeliveredSeq == toBob);
        Assert.Contains(atBob, r => r.DeliveredSeq == toAlice);
        Assert.All(atAlice.Concat(atBob), r => Assert.True(r.ReadSeq == 0 && r.ReadByAllSeq == 0 && r.ReadAt is null, $"a read crossed: {r}"));

        var info = await host.Channel.Receipts().GetMessageInfoAsync(new GetMessageInfoRequest { ConversationId = chat.ConversationId, Seq = toBob }, alice.Auth);
        Assert.True(Assert.Single(info.Members) is { Delivered: true, Read: false, ReadAt: null });
    }

    [Fact]
    public async Task Given_read_receipts_off_When_the_user_reads_on_one_device_Then_their_other_device_still_learns_of_it()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var bobsTablet = await host.Channel.LoginAsync(bob.Username, "tablet");
        await host.Channel.SetReadReceiptsAsync(bob, on: false);
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var tablet = await DeviceStream.ConnectAsync(host.Channel, bobsTablet, Cursor(chat));
        await tablet.CaughtUpAsync();

        var seq = (await host.Channel.SendAsync(alice, chat.ConversationId, "hi")).Seq;
        await host.Channel.MarkReadAsync(bob, chat.ConversationId, seq);

        Assert.Equal(seq, (await tablet.ReceiptAsync(bob.UserId, r => r.ReadSeq > 0)).ReadSeq);
        var settings = await host.Channel.Receipts().GetReceiptSettingsAsync(new GetReceiptSettingsRequest(), bob.Auth);
        Assert.False(settings.Settings.ReadReceipts);
    }
}
