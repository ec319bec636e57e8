using Npgsql;

namespace ChatMonolith.Modules.Messaging.Features.Send;

/// <summary>
/// A send in one statement: the retry lookup, the membership check, the seq, the insert, the sender's read position
/// and the member list. The conversation's row lock (which keeps seqs gapless) is taken inside it and held only until
/// the commit of its batch. Every table is filtered by conversation_id, so on Citus each statement is routed to the
/// one shard that holds the conversation.
/// </summary>
internal static class SendStatement
{
    private const string Sql = """
        WITH earlier AS (
            SELECT seq, message_id, sent_at FROM messaging.messages
            WHERE conversation_id = $1 AND sender_id = $2 AND client_msg_id = $3
        ),
        sender AS (
            SELECT 1 FROM messaging.members WHERE conversation_id = $1 AND user_id = $2 AND removed_seq IS NULL
        ),
        bump AS (
            UPDATE messaging.conversations SET last_seq = last_seq + 1, last_activity_at = $5
            WHERE conversation_id = $1 AND EXISTS (SELECT 1 FROM sender) AND NOT EXISTS (SELECT 1 FROM earlier)
            RETURNING last_seq
        ),
        stored AS (
            INSERT INTO messaging.messages (conversation_id, seq, message_id, sender_id, client_msg_id, sent_at, text)
            SELECT $1, last_seq, $4, $2, $3, $5, $6 FROM bump
            RETURNING seq
        ),
        read_position AS (
            UPDATE messaging.members SET read_seq = stored.seq FROM stored WHERE conversation_id = $1 AND user_id = $2
        )
        SELECT (SELECT seq FROM stored), (SELECT seq FROM earlier), (SELECT message_id FROM earlier), (SELECT sent_at FROM earlier),
               EXISTS (SELECT 1 FROM messaging.conversations WHERE conversation_id = $1),
               ARRAY(SELECT user_id FROM messaging.members WHERE conversation_id = $1 AND removed_seq IS NULL)
        """;

    /// <summary>Adds one send to <paramref name="batch"/>; its outcome is the batch's next result set.</summary>
    public static void Add(NpgsqlBatch batch, SendMessage command, Guid messageId, DateTimeOffset now)
    {
        var statement = new NpgsqlBatchCommand(Sql);
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.ConversationId });
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.Caller.UserId });
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.ClientMsgId });
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
        statement.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        statement.Parameters.Add(new NpgsqlParameter<string> { TypedValue = command.Text });
        batch.BatchCommands.Add(statement);
    }

    /// <summary>Reads the outcome of the current result set.</summary>
    public static async Task<SendOutcome> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        return new SendOutcome(
            reader.IsDBNull(0) ? null : reader.GetInt64(0),
            reader.IsDBNull(1) ? null : (reader.GetInt64(1), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3)),
            reader.GetBoolean(4),
            reader.GetFieldValue<Guid[]>(5));
    }
}

/// <summary>What the send statement did: stored at a new seq, found an earlier send of the same client_msg_id, or neither.</summary>
internal sealed record SendOutcome(
    long? StoredSeq, (long Seq, Guid MessageId, DateTimeOffset SentAt)? Earlier, bool ConversationExists, Guid[] MemberIds);
