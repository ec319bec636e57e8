using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace ChatMonolith.Modules.Messaging.Features.Send;

/// <summary>
/// A send in one round trip: the retry lookup, the membership check, the seq, the insert, the sender's read position
/// and the member list are one statement. The conversation's row lock (which keeps seqs gapless) is taken inside it
/// and held only until the commit that follows, not across a chain of round trips.
/// </summary>
internal static class SendStatement
{
    private const string Sql = """
        WITH earlier AS (
            SELECT seq, message_id, sent_at FROM messaging.messages
            WHERE conversation_id = @c AND sender_id = @s AND client_msg_id = @m
        ),
        sender AS (
            SELECT 1 FROM messaging.members WHERE conversation_id = @c AND user_id = @s AND removed_seq IS NULL
        ),
        bump AS (
            UPDATE messaging.conversations SET last_seq = last_seq + 1, last_activity_at = @now
            WHERE conversation_id = @c AND EXISTS (SELECT 1 FROM sender) AND NOT EXISTS (SELECT 1 FROM earlier)
            RETURNING last_seq
        ),
        stored AS (
            INSERT INTO messaging.messages (conversation_id, seq, message_id, sender_id, client_msg_id, sent_at, text)
            SELECT @c, last_seq, @id, @s, @m, @now, @text FROM bump
            RETURNING seq
        ),
        read_position AS (
            UPDATE messaging.members SET read_seq = stored.seq FROM stored WHERE conversation_id = @c AND user_id = @s
        )
        SELECT (SELECT seq FROM stored), (SELECT seq FROM earlier), (SELECT message_id FROM earlier), (SELECT sent_at FROM earlier),
               EXISTS (SELECT 1 FROM sender),
               EXISTS (SELECT 1 FROM messaging.conversations WHERE conversation_id = @c),
               ARRAY(SELECT user_id FROM messaging.members WHERE conversation_id = @c AND removed_seq IS NULL)
        """;

    public static async Task<SendOutcome> RunAsync(
        MessagingDbContext db, SendMessage command, Guid messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var sql = new NpgsqlCommand(Sql, (NpgsqlConnection)db.Database.GetDbConnection())
        {
            Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
        };
        sql.Parameters.AddWithValue("c", command.ConversationId);
        sql.Parameters.AddWithValue("s", command.Caller.UserId);
        sql.Parameters.AddWithValue("m", command.ClientMsgId);
        sql.Parameters.AddWithValue("id", messageId);
        sql.Parameters.AddWithValue("now", now);
        sql.Parameters.AddWithValue("text", command.Text);

        await using var reader = await sql.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new SendOutcome(
            reader.IsDBNull(0) ? null : reader.GetInt64(0),
            reader.IsDBNull(1) ? null : (reader.GetInt64(1), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3)),
            reader.GetBoolean(4),
            reader.GetBoolean(5),
            reader.GetFieldValue<Guid[]>(6));
    }
}

/// <summary>What the send statement did: stored at a new seq, found an earlier send of the same client_msg_id, or neither.</summary>
internal sealed record SendOutcome(
    long? StoredSeq, (long Seq, Guid MessageId, DateTimeOffset SentAt)? Earlier, bool IsMember, bool ConversationExists, Guid[] MemberIds);
