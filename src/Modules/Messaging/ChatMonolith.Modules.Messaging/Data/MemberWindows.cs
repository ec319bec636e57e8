using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>The seqs of a conversation a member may read right now.</summary>
internal sealed record MemberWindow(Guid ConversationId, long JoinedSeq, long VisibleUpTo);

internal static class MemberWindows
{
    /// <summary>
    /// The user's window in each of <paramref name="conversationIds"/> (all of their conversations when null): three
    /// key lookups, whatever the number of conversations (docs/adr/0009), in two round trips. Every stream's opening
    /// runs this, so it is plain SQL (prepared after a few uses) rather than LINQ that EF Core compiles per call.
    /// </summary>
    public static async Task<List<MemberWindow>> LoadAsync(
        MessagingDbContext db, Guid userId, IReadOnlyList<Guid>? conversationIds, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        return await LoadAsync(connection, transaction, userId, conversationIds, cancellationToken);
    }

    /// <summary>
    /// The same, on a connection of its own (a stream's opening, which needs no DbContext). On plain PostgreSQL all of
    /// a user's windows take one statement, one round trip; on Citus, whose shards hold the user's list apart from the
    /// conversations, the two round trips above, each routed by its keys.
    /// </summary>
    public static async Task<List<MemberWindow>> LoadAsync(
        NpgsqlDataSource dataSource, MessagingDatabase database, Guid userId, IReadOnlyList<Guid>? conversationIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return conversationIds is null && !await database.IsCitusAsync(connection)
            ? await LoadAllAsync(connection, userId, cancellationToken)
            : await LoadAsync(connection, null, userId, conversationIds, cancellationToken);
    }

    private static async Task<List<MemberWindow>> LoadAllAsync(NpgsqlConnection connection, Guid userId, CancellationToken cancellationToken)
    {
        await using var query = new NpgsqlCommand("""
            SELECT m.conversation_id, m.joined_seq, m.removed_seq, coalesce(c.last_seq, 0)
            FROM messaging.user_conversations uc
            JOIN messaging.members m ON m.conversation_id = uc.conversation_id AND m.user_id = uc.user_id
            LEFT JOIN messaging.conversations c ON c.conversation_id = uc.conversation_id
            WHERE uc.user_id = $1
            """, connection)
        {
            Parameters = { new NpgsqlParameter<Guid> { TypedValue = userId } },
        };
        var windows = new List<MemberWindow>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var member = new Member { ConversationId = reader.GetGuid(0), UserId = userId, JoinedSeq = reader.GetInt64(1), RemovedSeq = reader.IsDBNull(2) ? null : reader.GetInt64(2) };
            windows.Add(new MemberWindow(member.ConversationId, member.JoinedSeq, member.VisibleUpTo(reader.GetInt64(3))));
        }

        return windows;
    }

    private static async Task<List<MemberWindow>> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid userId, IReadOnlyList<Guid>? conversationIds, CancellationToken cancellationToken)
    {
        var ids = conversationIds?.ToArray() ?? await ConversationsOfAsync(connection, transaction, userId, cancellationToken);

        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                BatchCommands.Of("SELECT conversation_id, joined_seq, removed_seq FROM messaging.members WHERE user_id = $1 AND conversation_id = ANY($2)", userId, ids),
                BatchCommands.Of("SELECT conversation_id, last_seq FROM messaging.conversations WHERE conversation_id = ANY($1)", ids),
            },
        };
        var members = new List<Member>();
        var lastSeqs = new Dictionary<Guid, long>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                members.Add(new Member { ConversationId = reader.GetGuid(0), UserId = userId, JoinedSeq = reader.GetInt64(1), RemovedSeq = reader.IsDBNull(2) ? null : reader.GetInt64(2) });
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lastSeqs[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        return members
            .Select(m => new MemberWindow(m.ConversationId, m.JoinedSeq, m.VisibleUpTo(lastSeqs.GetValueOrDefault(m.ConversationId))))
            .ToList();
    }

    private static async Task<Guid[]> ConversationsOfAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid userId, CancellationToken cancellationToken)
    {
        await using var query = new NpgsqlCommand("SELECT conversation_id FROM messaging.user_conversations WHERE user_id = $1", connection, transaction)
        {
            Parameters = { new NpgsqlParameter<Guid> { TypedValue = userId } },
        };
        var ids = new List<Guid>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return [.. ids];
    }
}
