using ChatMonolith.Testing;
using Grpc.Core;
using Npgsql;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>
/// A send that arrives while a membership change holds the conversation is judged by the membership after the change:
/// a member removed in that moment cannot still post, and the removal is not overtaken by a message to them. Run once for
/// each way of writing a batch of sends.
/// </summary>
public abstract class SendDuringRemovalTests(ChatHostFixture host)
{
    [Fact]
    public async Task Given_Bob_is_being_removed_When_his_send_waits_for_the_removal_to_commit_Then_it_is_refused_as_not_a_member()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var carol = await host.Channel.RegisterAndLoginAsync();
        var group = await host.Channel.CreateGroupAsync(alice, "removal race", [bob, carol]);
        var conversationId = Guid.Parse(group.ConversationId);

        // The removal, as the RemoveMember slice writes it, held open: the conversation's row is locked from its seq on.
        await using var removal = new NpgsqlConnection(host.ConnectionString);
        await removal.OpenAsync();
        await using var transaction = await removal.BeginTransactionAsync();
        await ExecuteAsync(removal, """
            WITH seq AS (UPDATE messaging.conversations SET last_seq = last_seq + 1 WHERE conversation_id = @c RETURNING last_seq),
                 removed AS (UPDATE messaging.members SET removed_seq = (SELECT last_seq FROM seq) WHERE conversation_id = @c AND user_id = @bob)
            INSERT INTO messaging.messages (conversation_id, seq, message_id, sender_id, sent_at, system_kind, system_user_ids)
            SELECT @c, last_seq, gen_random_uuid(), @alice, now(), 3, ARRAY[@bob] FROM seq
            """, ("c", conversationId), ("bob", Guid.Parse(bob.UserId)), ("alice", Guid.Parse(alice.UserId)));

        var send = RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => host.Channel.SendAsync(bob, group.ConversationId, "one last word"));
        await host.WaitForALockWaiterAsync(orUntil: send);
        await transaction.CommitAsync();

        Assert.Equal("NOT_A_MEMBER", (await send).Reason());
        var lastSeq = await host.ScalarAsync<long>("SELECT last_seq FROM messaging.conversations WHERE conversation_id = @c", ("c", conversationId));
        var bobsMessages = await host.ScalarAsync<long>(
            "SELECT count(*) FROM messaging.messages WHERE conversation_id = @c AND sender_id = @bob", ("c", conversationId), ("bob", Guid.Parse(bob.UserId)));
        Assert.Equal(0, bobsMessages);
        Assert.Equal(2, lastSeq); // the group's creation and the removal, nothing after
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}

public sealed class SendDuringRemovalInOneStatementTests(ChatHostFixture host) : SendDuringRemovalTests(host), IClassFixture<ChatHostFixture>;

public sealed class SendDuringRemovalPerConversationTests(CitusStatementsFixture host)
    : SendDuringRemovalTests(host), IClassFixture<CitusStatementsFixture>;
