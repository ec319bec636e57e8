using Npgsql;

namespace ChatMonolith.Modules.Messaging.Features.Send;

/// <summary>
/// A batch's sends to one conversation: <see cref="AddLock"/> takes the conversation's row lock (which keeps seqs
/// gapless, and which every membership change holds until it commits); <see cref="Add"/> then does the retry lookup,
/// the membership check, the seq, the insert, the sender's read position and the member list, in one lean statement
/// per send for a few sends (<see cref="MaxSendsAlone"/>, most conversations of a batch in 1-on-1 chats), or in one
/// set-based statement for all of them beyond that (a busy group). Both kinds answer the same row per send. The lock
/// comes first in a statement of its own because a statement reads with the snapshot of its own start: one that
/// started before a removal committed and then waited for the lock would still count the removed member in. The lock
/// is held until the batch commits. Every statement is filtered by conversation_id, so on Citus each is routed to the
/// one shard that holds the conversation.
/// </summary>
internal static class SendStatement
{
    private const string LockSql = "SELECT 1 FROM messaging.conversations WHERE conversation_id = $1 FOR NO KEY UPDATE";

    // $1 conversation, $2 senders, $3 client_msg_ids, $4 message ids, $5 now, $6 texts; one row out per send, in order.
    private const string Sql = """
        WITH input AS (
            SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $6::text[]) WITH ORDINALITY AS i(sender_id, client_msg_id, message_id, text, n)
        ),
        earlier AS (
            SELECT i.n, m.seq, m.message_id, m.sent_at
            FROM input i
            JOIN messaging.messages m ON m.conversation_id = $1 AND m.sender_id = i.sender_id AND m.client_msg_id = i.client_msg_id
        ),
        accepted AS (
            SELECT i.sender_id, i.client_msg_id, i.message_id, i.text, row_number() OVER (ORDER BY i.n) AS k
            FROM input i
            WHERE NOT EXISTS (SELECT 1 FROM earlier e WHERE e.n = i.n)
              AND EXISTS (SELECT 1 FROM messaging.members mb WHERE mb.conversation_id = $1 AND mb.user_id = i.sender_id AND mb.removed_seq IS NULL)
        ),
        bump AS (
            UPDATE messaging.conversations SET last_seq = last_seq + (SELECT count(*) FROM accepted), last_activity_at = $5
            WHERE conversation_id = $1 AND EXISTS (SELECT 1 FROM accepted)
            RETURNING last_seq - (SELECT count(*) FROM accepted) AS before_seq
        ),
        stored AS (
            INSERT INTO messaging.messages (conversation_id, seq, message_id, sender_id, client_msg_id, sent_at, text)
            SELECT $1, bump.before_seq + a.k, a.message_id, a.sender_id, a.client_msg_id, $5, a.text
            FROM accepted a CROSS JOIN bump
            RETURNING seq, message_id, sender_id
        ),
        read_position AS (
            UPDATE messaging.members mb SET read_seq = r.seq
            FROM (SELECT sender_id, max(seq) AS seq FROM stored GROUP BY sender_id) r
            WHERE mb.conversation_id = $1 AND mb.user_id = r.sender_id
        )
        SELECT s.seq, e.seq, e.message_id, e.sent_at,
               CASE WHEN i.n = 1 THEN EXISTS (SELECT 1 FROM messaging.conversations WHERE conversation_id = $1) END,
               CASE WHEN i.n = 1 THEN ARRAY(SELECT user_id FROM messaging.members WHERE conversation_id = $1 AND removed_seq IS NULL) END
        FROM input i
        LEFT JOIN stored s ON s.message_id = i.message_id
        LEFT JOIN earlier e ON e.n = i.n
        ORDER BY i.n
        """;

    // The same for one send, with the same parameters as scalars and the same row out. The set statement costs
    // PostgreSQL about 0.25 ms + 0.02 ms per send, this one about 0.1 ms (BENCHMARKS.md, step 6): up to three sends,
    // one statement each is cheaper.
    private const string SingleSql = """
        WITH earlier AS (
            SELECT seq, message_id, sent_at FROM messaging.messages
            WHERE conversation_id = $1 AND sender_id = $2 AND client_msg_id = $3
        ),
        bump AS (
            UPDATE messaging.conversations SET last_seq = last_seq + 1, last_activity_at = $5
            WHERE conversation_id = $1 AND NOT EXISTS (SELECT 1 FROM earlier)
              AND EXISTS (SELECT 1 FROM messaging.members WHERE conversation_id = $1 AND user_id = $2 AND removed_seq IS NULL)
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
    private static readonly string SingleSqlWithoutMembers = SingleSql.Replace(
        "ARRAY(SELECT user_id FROM messaging.members WHERE conversation_id = $1 AND removed_seq IS NULL)", "NULL::uuid[]", StringComparison.Ordinal);

    /// <summary>Up to this many sends to a conversation in a batch take one statement each; more take the set statement.</summary>
    public const int MaxSendsAlone = 3;

    /// <summary>Adds the lock of a conversation to <paramref name="batch"/>: a result set to skip (see <see cref="SkipLockAsync"/>).</summary>
    public static void AddLock(NpgsqlBatch batch, Guid conversationId)
    {
        var statement = new NpgsqlBatchCommand(LockSql);
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = conversationId });
        batch.BatchCommands.Add(statement);
    }

    public static Task<bool> SkipLockAsync(NpgsqlDataReader reader) => reader.NextResultAsync();

    /// <summary>
    /// Adds the sends to one conversation to <paramref name="batch"/>, in the order of their seqs; read their outcomes
    /// with <see cref="ReadAsync"/>. No two of them may have the same sender and client_msg_id.
    /// </summary>
    public static void Add(NpgsqlBatch batch, Guid conversationId, IReadOnlyList<SendMessage> sends, IReadOnlyList<Guid> messageIds, DateTimeOffset now)
    {
        if (sends.Count <= MaxSendsAlone)
        {
            for (var i = 0; i < sends.Count; i++)
            {
                var single = new NpgsqlBatchCommand(i == 0 ? SingleSql : SingleSqlWithoutMembers);
                single.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = conversationId });
                single.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sends[i].Caller.UserId });
                single.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sends[i].ClientMsgId });
                single.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageIds[i] });
                single.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
                single.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sends[i].Text });
                batch.BatchCommands.Add(single);
            }

            return;
        }

        var statement = new NpgsqlBatchCommand(Sql);
        statement.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = conversationId });
        statement.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = sends.Select(s => s.Caller.UserId).ToArray() });
        statement.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = sends.Select(s => s.ClientMsgId).ToArray() });
        statement.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = messageIds.ToArray() });
        statement.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        statement.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = sends.Select(s => s.Text).ToArray() });
        batch.BatchCommands.Add(statement);
    }

    /// <summary>
    /// Reads the outcomes of what <see cref="Add"/> added for <paramref name="count"/> sends, one per send in the order
    /// they were added, and moves the reader past them.
    /// </summary>
    public static async Task<List<SendOutcome>> ReadAsync(NpgsqlDataReader reader, int count, CancellationToken cancellationToken)
    {
        var outcomes = new List<SendOutcome>(count);
        var conversationExists = false;
        Guid[] members = [];
        var statements = count <= MaxSendsAlone ? count : 1;
        for (var statement = 0; statement < statements; statement++)
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (outcomes.Count == 0)
                {
                    conversationExists = reader.GetBoolean(4);
                    members = reader.GetFieldValue<Guid[]>(5);
                }

                outcomes.Add(new SendOutcome(
                    reader.IsDBNull(0) ? null : reader.GetInt64(0),
                    reader.IsDBNull(1) ? null : (reader.GetInt64(1), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3)),
                    conversationExists,
                    members));
            }

            await reader.NextResultAsync(cancellationToken);
        }

        return outcomes.Count == count
            ? outcomes
            : throw new InvalidOperationException($"The send statements answered {outcomes.Count} rows for {count} sends.");
    }
}

/// <summary>What the send statement did: stored at a new seq, found an earlier send of the same client_msg_id, or neither.</summary>
internal sealed record SendOutcome(
    long? StoredSeq, (long Seq, Guid MessageId, DateTimeOffset SentAt)? Earlier, bool ConversationExists, Guid[] MemberIds)
{
    /// <summary>
    /// The outcome of a twin: the same send (sender and client_msg_id) twice in one batch. What this one stored, the
    /// twin finds as an earlier send, as it would in a later transaction.
    /// </summary>
    public SendOutcome ForTwin(Guid messageId, DateTimeOffset now) =>
        StoredSeq is { } seq ? this with { StoredSeq = null, Earlier = (seq, messageId, now) } : this;
}
