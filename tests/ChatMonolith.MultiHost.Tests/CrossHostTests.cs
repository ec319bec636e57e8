using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.MultiHost.Tests;

/// <summary>Three host processes, one PostgreSQL, one Redis: devices on different hosts hear each other.</summary>
[Collection(HostCollection.Name)]
public sealed class CrossHostTests(HostCluster hosts) : IClassFixture<HostCluster>
{
    [Fact]
    public async Task Given_A_on_host_1_and_B_on_host_2_When_they_chat_Then_messages_receipts_typing_presence_and_changes_flow_both_ways()
    {
        var alice = await hosts[0].Channel.RegisterAndLoginAsync();
        var bob = await hosts[1].Channel.RegisterAndLoginAsync();
        var carol = await hosts[2].Channel.RegisterAndLoginAsync();
        var group = await hosts[0].Channel.CreateGroupAsync(alice, "three hosts", [bob, carol]);
        await using var aliceStream = await DeviceStream.ConnectAsync(hosts[0].Channel, alice, Cursor(group, 1));
        await using var bobStream = await DeviceStream.ConnectAsync(hosts[1].Channel, bob, Cursor(group, 1));
        await Task.WhenAll(aliceStream.CaughtUpAsync(), bobStream.CaughtUpAsync());

        // Messages, each way.
        await aliceStream.SendTextAsync(group.ConversationId, "from host 1");
        var atBob = Assert.Single(await bobStream.MessagesAsync(group.ConversationId, 1));
        Assert.Equal(("from host 1", alice.UserId), (atBob.Text, atBob.SenderId));
        await bobStream.SendTextAsync(group.ConversationId, "from host 2");
        // Alice's own message came back to her stream first, as to every member's.
        Assert.Equal(["from host 1", "from host 2"], (await aliceStream.MessagesAsync(group.ConversationId, 2)).Select(m => m.Text));

        // Receipts: Bob's read of Alice's message reaches Alice on the other host.
        await bobStream.MarkReadAsync(group.ConversationId, atBob.Seq);
        var receipt = await aliceStream.ReceiptAsync(bob.UserId, r => r.ReadSeq >= atBob.Seq);
        Assert.Equal(group.ConversationId, receipt.ConversationId);

        // Typing.
        await aliceStream.TypingAsync(group.ConversationId, true);
        var typing = (await bobStream.NextAsync(e => e.Typing?.UserId == alice.UserId)).Typing;
        Assert.True(typing.Typing);

        // Presence: Alice watches Carol, who comes online on the third host.
        await aliceStream.WatchAsync(carol.UserId);
        await aliceStream.PresenceAsync(carol.UserId, p => p.State == PresenceState.Offline);
        await using (var carolStream = await DeviceStream.ConnectAsync(hosts[2].Channel, carol, Cursor(group, 1)))
        {
            await carolStream.CaughtUpAsync();
            await aliceStream.PresenceAsync(carol.UserId, p => p.State == PresenceState.Online);
        }

        // A conversation change made on host 3 reaches both. (The group's creation may have reached these streams as a
        // change of its own, after they connected: the change looked for is the one without Carol.)
        await hosts[2].Channel.Conversations().LeaveGroupAsync(new LeaveGroupRequest { ConversationId = group.ConversationId }, carol.Auth);
        foreach (var stream in new[] { aliceStream, bobStream })
        {
            var changed = (await stream.NextAsync(e => e.ConversationChanged?.Conversation.Members.Count == 2)).ConversationChanged.Conversation;
            Assert.Equal(new[] { alice.UserId, bob.UserId }.Order(StringComparer.Ordinal), changed.Members.Select(m => m.UserId).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Given_a_group_spread_over_three_hosts_When_everyone_sends_at_once_Then_every_device_gets_every_message_once_in_seq_order()
    {
        const int MessagesEach = 15;
        var members = new List<(TestSession Session, int Host)>();
        for (var i = 0; i < 6; i++)
        {
            members.Add((await hosts[i % 3].Channel.RegisterAndLoginAsync(), i % 3));
        }

        var group = await hosts[0].Channel.CreateGroupAsync(members[0].Session, "spread", members.Skip(1).Select(m => m.Session));
        var streams = new List<DeviceStream>();
        foreach (var (session, host) in members)
        {
            streams.Add(await DeviceStream.ConnectAsync(hosts[host].Channel, session, Cursor(group, 1)));
        }

        try
        {
            await Task.WhenAll(streams.Select(s => s.CaughtUpAsync()));
            await Task.WhenAll(streams.Select(async (stream, i) =>
            {
                for (var n = 0; n < MessagesEach; n++)
                {
                    await stream.SendTextAsync(group.ConversationId, $"{i}:{n}");
                }
            }));

            foreach (var stream in streams)
            {
                var received = await stream.MessagesAsync(group.ConversationId, MessagesEach * streams.Count);
                Assert.Equal(Enumerable.Range(2, MessagesEach * streams.Count).Select(s => (long)s), received.Select(m => m.Seq));
                Assert.Equal(received.Count, received.Select(m => m.Text).Distinct().Count());
                // Nothing more comes: a duplicate would follow the last.
                Assert.DoesNotContain(stream.Drain(), e => e.Message is not null);
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Given_a_device_streaming_on_host_1_When_it_opens_a_stream_on_host_2_Then_the_first_ends_as_replaced_and_the_second_catches_up_exactly()
    {
        var alice = await hosts[0].Channel.RegisterAndLoginAsync();
        var bob = await hosts[0].Channel.RegisterAndLoginAsync();
        var chat = await hosts[0].Channel.OpenDirectChatAsync(alice, bob);
        await using var first = await DeviceStream.ConnectAsync(hosts[0].Channel, bob, Cursor(chat, 1));
        await first.CaughtUpAsync();
        await hosts[0].Channel.SendAsync(alice, chat.ConversationId, "one");
        var seen = Assert.Single(await first.MessagesAsync(chat.ConversationId, 1));

        // Sent while the device moves: the new stream must get it, from its cursor, once.
        await hosts[2].Channel.SendAsync(alice, chat.ConversationId, "two");
        await using var second = await DeviceStream.ConnectAsync(hosts[1].Channel, bob, Cursor(chat, seen.Seq));

        var ended = await Assert.ThrowsAsync<RpcException>(() => first.Completion.WaitAsync(DeviceStream.Timeout));
        Assert.Equal(StatusCode.Aborted, ended.StatusCode);
        Assert.Equal("STREAM_REPLACED", RpcAssert.Reason(ended));

        await second.CaughtUpAsync();
        await hosts[2].Channel.SendAsync(alice, chat.ConversationId, "three");
        Assert.Equal(["two", "three"], (await second.MessagesAsync(chat.ConversationId, 2)).Select(m => m.Text));
        Assert.DoesNotContain(second.Drain(), e => e.Message is not null);
    }

    [Fact]
    public async Task Given_a_device_streaming_on_host_2_When_it_is_revoked_on_host_1_Then_its_stream_ends_within_a_second()
    {
        var bob = await hosts[0].Channel.RegisterAndLoginAsync();
        var bobsTablet = await hosts[0].Channel.LoginAsync(bob.Username, "tablet");
        await using var tablet = DeviceStream.Subscribe(hosts[1].Channel, bobsTablet);
        await tablet.CaughtUpAsync();

        await hosts[0].Channel.Identity().RevokeDeviceAsync(new RevokeDeviceRequest { DeviceId = bobsTablet.DeviceId }, bob.Auth);

        var ended = await Assert.ThrowsAsync<RpcException>(() => tablet.Completion.WaitAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal("DEVICE_REVOKED", RpcAssert.Reason(ended));
    }

    private static ConversationCursor Cursor(Conversation conversation, long seq) => new() { ConversationId = conversation.ConversationId, Seq = seq };
}
