using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Npgsql;

namespace ChatMonolith.Citus.Tests;

/// <summary>
/// Every statement on the hot path names its conversation (or user), so Citus routes it whole to one shard on one
/// worker. One that loses its distribution column still works, on every shard at once; one that Citus cannot route
/// whole is split into subplans whose results pass through the coordinator. Both still work, and only a cluster shows
/// the cost: so each hot operation here runs alone, Citus's own counters must show no multi-shard query for it, and
/// the host's sessions may not use intermediate results at all (<see cref="CitusHostFixture"/>).
/// </summary>
[Trait("Tier", "Citus")]
public sealed class HotStatementsTests(CitusHostFixture host) : IClassFixture<CitusHostFixture>
{
    [Fact]
    public async Task Given_a_statement_over_every_shard_When_the_host_session_runs_it_Then_the_counters_see_it()
    {
        // Ten of them: the host's own passes over every shard (its push dispatcher's first look, at start) may count in
        // the same moment, but cannot make up ten.
        const int Statements = 10;
        var before = await host.CountersAsync();
        await using (var connection = new NpgsqlConnection(host.CountedConnectionString))
        {
            await connection.OpenAsync();
            for (var i = 0; i < Statements; i++)
            {
                await using var everyShard = new NpgsqlCommand("SELECT count(*) FROM messaging.messages", connection);
                await everyShard.ExecuteScalarAsync();
            }
        }

        Assert.InRange((await host.CountersAsync() - before).MultiShard, Statements, Statements + 2);
    }

    [Fact]
    public async Task Given_a_direct_chat_and_a_group_When_members_send_catch_up_page_history_type_and_read_Then_every_statement_is_single_shard()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var carol = await host.Channel.RegisterAndLoginAsync();
        var direct = await host.Channel.OpenDirectChatAsync(alice, bob);
        var group = await host.Channel.CreateGroupAsync(alice, "three", [bob, carol]);
        await using var alicePhone = await DeviceStream.ConnectAsync(host.Channel, alice, Cursor(direct), Cursor(group));
        await alicePhone.CaughtUpAsync();
        // The read models of Receipts and Presence take the new members in the background, with statements of their
        // own: counted in whatever operation they overlapped. They have all landed before the first is counted.
        await ReadModelsHoldAsync(members: 2 + 3);

        var counted = new List<(string Operation, ShardCounters Counters)>();
        async Task<T> Count<T>(string operation, Func<Task<T>> run)
        {
            // What a commit hands on runs after its answer: it is counted with its operation, and what came before
            // (the uncounted sends) has run before the count starts.
            await host.WolverineIdleAsync();
            var before = await host.CountersAsync();
            var result = await run();
            await host.WolverineIdleAsync();
            counted.Add((operation, await host.CountersAsync() - before));
            return result;
        }

        var directSeq = await Count("send on the stream to a direct chat", async () =>
        {
            await alicePhone.SendTextAsync(direct.ConversationId, "hi bob");
            return (await alicePhone.NextAsync(e => e.SendAccepted is not null)).SendAccepted.Seq;
        });
        var groupSeq = await Count("unary send to a group", async () =>
            (await host.Channel.SendAsync(alice, group.ConversationId, "hi both")).Seq);
        foreach (var text in new[] { "one", "two", "three" })
        {
            await host.Channel.SendAsync(alice, group.ConversationId, text);
        }

        var opening = await Count("stream opening, up to date", async () =>
        {
            await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(group, groupSeq + 3));
            await bobPhone.CaughtUpAsync();
            return groupSeq + 3;
        });
        var caughtUp = await Count("stream opening behind by four, and its catch-up", async () =>
        {
            await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(group));
            return await bobPhone.MessagesAsync(group.ConversationId, 4);
        });
        var page = await Count("history page", async () =>
            (await host.Channel.Conversations().GetMessagesAsync(
                new GetMessagesRequest { ConversationId = group.ConversationId, Direction = Direction.Before, PageSize = 2 }, carol.Auth)).Messages);

        await using var bobStream = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(direct));
        await bobStream.CaughtUpAsync();
        var typing = await Count("typing (a membership check)", async () =>
        {
            await bobStream.TypingAsync(direct.ConversationId, true);
            return await alicePhone.NextAsync(e => e.Typing is not null);
        });
        var read = await Count("read mark and its receipt flush", async () =>
        {
            await bobStream.MarkReadAsync(direct.ConversationId, directSeq);
            return await alicePhone.ReceiptAsync(bob.UserId, r => r.ReadSeq == directSeq);
        });

        Assert.Equal((groupSeq + 3, 4, 2), (caughtUp[^1].Seq, caughtUp.Count, page.Count));
        Assert.Equal(direct.ConversationId, typing.Typing.ConversationId);
        Assert.Equal(directSeq, read.ReadSeq);
        Assert.Equal(groupSeq + 3, opening);
        Assert.All(counted, c => Assert.True(c.Counters.SingleShard > 0, $"{c.Operation}: no single-shard query was counted"));

        // A send takes six statements, each one task on one shard (CitusSendStatements): the lock, the members, the
        // retry lookup, then the insert, the conversation's last seq and the sender's read position. A statement that
        // Citus split into subplans would count once per subplan (the set-based statement of plain PostgreSQL counted 7).
        // After the commit, off the send path (docs/adr/0022), one more: Messaging's look at which recipient devices a
        // push could reach, on the reference table (one node). None has a push target here, so nothing more follows:
        // no unread count, no look by Notifications.
        Assert.Equal((7L, 0L), (counted[0].Counters.SingleShard, counted[0].Counters.MultiShard));
        Assert.Equal((7L, 0L), (counted[1].Counters.SingleShard, counted[1].Counters.MultiShard));

        // A stream's opening looks up the user's window in every conversation they are in, at once (docs/adr/0009):
        // one read of members and one of conversations, each over the shards that hold those conversations. That
        // read is multi-shard by design, bounded at two statements whatever the number of conversations; what the
        // catch-up reads after it, per conversation, must add none.
        Assert.InRange(counted[2].Counters.MultiShard, 0, 2);
        Assert.Equal(counted[2].Counters.MultiShard, counted[3].Counters.MultiShard);
        Assert.Equal([], counted.Where((c, i) => i is not (1 or 2 or 3) && c.Counters.MultiShard > 0).Select(c => $"{c.Operation}: {c.Counters.MultiShard} multi-shard"));
    }

    private Task ReadModelsHoldAsync(int members) => DatabaseState.UntilAsync(
        async () => await host.ScalarAsync<long>("SELECT (SELECT count(*) FROM receipts.members) + (SELECT count(*) FROM presence.members)") >= 2 * members,
        TimeSpan.FromSeconds(30),
        () => Task.FromResult("the read models never took the members in"));

    private static ConversationCursor Cursor(Conversation conversation, long? seq = null) =>
        new() { ConversationId = conversation.ConversationId, Seq = seq ?? conversation.LastSeq };
}
