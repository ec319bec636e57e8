using Npgsql;

namespace ChatMonolith.Modules.Messaging.Features.Send;

/// <summary>
/// A send in one statement: the retry lookup, the membership check, the seq, the insert, the sender's read position
/// and the member list. Before a batch's first send to a conversation, <see cref="AddLock"/> takes the conversation's
/// row lock (which keeps seqs gapless, and which every membership change holds until it commits), so the send
/// statements after it see the membership as it is while the batch holds the lock: a statement reads with the
/// snapshot of its own start, and one that started before a removal committed and then waited for the lock would
/// still count the removed member in. The lock is held until the batch commits. Every statement is filtered by
/// conversation_id, so on Citus each is routed to the one shard that holds the conversation.
/// </summary>
internal static class SendStatement
{
    private const string LockSql = "SELECT 1 FROM messaging.conversations WHERE conversation_id = $1 FOR NO KEY UPDATE";

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

    /// <summary>A later send to the same conversation in a batch: the members cannot have changed under the lock.</summary>
    private static readonly string SqlWithoutMembers = Sql.Replace(
        "ARRAY(SELECT user_id FROM messaging.members WHERE conversation_id = $1 AND removed_seq IS NULL)", "NULL::uuid[]", StringComparison.Ordinal);

    /// <summary>Adds the lock of a conversation to <paramref name="batch"/>: a result set to skip (see <see cref="SkipLockAsync"/>).</summary>
    public static void AddLock(NpgsqlBatch batch, Guid conversationId)
    {
        var statement = new NpgsqlBatchCommand(LockSql);
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = conversationId });
        batch.BatchCommands.Add(statement);
    }

    public static Task<bool> SkipLockAsync(NpgsqlDataReader reader) => reader.NextResultAsync();

    /// <summary>
    /// Adds one send to <paramref name="batch"/>; its outcome is the batch's next result set. Only the batch's first
    /// send to a conversation reads the member list (<paramref name="withMembers"/>); the others reuse it.
    /// </summary>
    public static void Add(NpgsqlBatch batch, SendMessage command, Guid messageId, DateTimeOffset now, bool withMembers)
    {
        var statement = new NpgsqlBatchCommand(withMembers ? Sql : SqlWithoutMembers);
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.ConversationId });
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.Caller.UserId });
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.ClientMsgId });
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
        statement.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        statement.Parameters.Add(new NpgsqlParameter<string> { TypedValue = command.Text });
        batch.BatchCommands.Add(statement);
    }

    /// <summary>Reads the outcome of the current result set; without a member list of its own, it has <paramref name="members"/>.</summary>
    public static async Task<SendOutcome> ReadAsync(NpgsqlDataReader reader, Guid[] members, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        return new SendOutcome(
            reader.IsDBNull(0) ? null : reader.GetInt64(0),
            reader.IsDBNull(1) ? null : (reader.GetInt64(1), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3)),
            reader.GetBoolean(4),
            reader.IsDBNull(5) ? members : reader.GetFieldValue<Guid[]>(5));
    }
}

/// <summary>What the send statement did: stored at a new seq, found an earlier send of the same client_msg_id, or neither.</summary>
internal sealed record SendOutcome(
    long? StoredSeq, (long Seq, Guid MessageId, DateTimeOffset SentAt)? Earlier, bool ConversationExists, Guid[] MemberIds);
