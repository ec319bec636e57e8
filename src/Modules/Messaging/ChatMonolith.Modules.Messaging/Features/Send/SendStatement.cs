using Npgsql;

namespace ChatMonolith.Modules.Messaging.Features.Send;

/// <summary>A batch's sends to one conversation, in the order of their seqs: no two with the same sender and client_msg_id.</summary>
internal sealed record ConversationBatch(Guid ConversationId, IReadOnlyList<SendMessage> Sends, IReadOnlyList<Guid> MessageIds);

/// <summary>
/// Writes a batch of sends. First the batch takes its conversations' row locks (which keep seqs gapless, and which
/// every membership change holds until it commits), in a statement of its own: a statement reads with the snapshot of
/// its own start, and one that started before a removal committed and then waited for the lock would still count the
/// removed member in. The locks are held until the batch commits. Then, for every send, the retry lookup, the
/// membership check, the seq, the insert, the sender's read position and, for each conversation, the member list;
/// every send gets one outcome, in order.
/// <para>
/// On plain PostgreSQL that is one round trip of two statements for the whole batch: one lock statement and one
/// set-based statement over arrays, whatever the number of sends and conversations (<see cref="BatchSql"/>). On Citus
/// (<see cref="Data.MessagingDatabase"/>) that statement would be split into subplans with intermediate results, so
/// the batch is written by <see cref="CitusSendStatements"/> in simple statements that each go to one shard in one
/// task. <c>SendVariantsAgreeTests</c> fails if the two ever answer differently (docs/adr/0014).
/// </para>
/// </summary>
internal static class SendStatement
{
    // $1 conversations; rows are locked in the order of the sort, so two batches never wait for each other in a circle.
    private const string LockAllSql =
        "SELECT 1 FROM messaging.conversations WHERE conversation_id = ANY($1) ORDER BY conversation_id FOR NO KEY UPDATE";

    // $1 conversations, $2 senders, $3 client_msg_ids, $4 message ids, $5 now, $6 texts, $7 whether the send is the first
    // of its conversation in the batch (it answers for the conversation); one row out per send, in order.
    // The membership and existence checks are scalar subqueries, one primary-key probe per send: written as EXISTS, the
    // planner, which guesses the row count of unnest(), turned them into hashed joins that read all of members and
    // conversations at every batch (1.6 ms a batch of ~9 sends on the bench's 1,000 users; 0.6 ms as probes).
    private const string BatchSql = """
        WITH input AS (
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $6::text[], $7::bool[])
                WITH ORDINALITY AS i(conversation_id, sender_id, client_msg_id, message_id, text, first, n)
        ),
        earlier AS (
            SELECT i.n, m.seq, m.message_id, m.sent_at
            FROM input i
            JOIN messaging.messages m ON m.conversation_id = i.conversation_id AND m.sender_id = i.sender_id AND m.client_msg_id = i.client_msg_id
        ),
        accepted AS (
            SELECT i.conversation_id, i.sender_id, i.client_msg_id, i.message_id, i.text,
                   row_number() OVER (PARTITION BY i.conversation_id ORDER BY i.n) AS k
            FROM input i
            WHERE NOT EXISTS (SELECT 1 FROM earlier e WHERE e.n = i.n)
              AND (SELECT mb.removed_seq IS NULL FROM messaging.members mb WHERE mb.conversation_id = i.conversation_id AND mb.user_id = i.sender_id)
        ),
        added AS (
            SELECT conversation_id, count(*) AS sends FROM accepted GROUP BY conversation_id
        ),
        bump AS (
            UPDATE messaging.conversations c SET last_seq = c.last_seq + added.sends, last_activity_at = $5
            FROM added WHERE c.conversation_id = added.conversation_id
            RETURNING c.conversation_id, c.last_seq - added.sends AS before_seq
        ),
        stored AS (
            INSERT INTO messaging.messages (conversation_id, seq, message_id, sender_id, client_msg_id, sent_at, text)
            SELECT a.conversation_id, b.before_seq + a.k, a.message_id, a.sender_id, a.client_msg_id, $5, a.text
            FROM accepted a JOIN bump b ON b.conversation_id = a.conversation_id
            RETURNING conversation_id, seq, message_id, sender_id
        ),
        read_position AS (
            UPDATE messaging.members mb SET read_seq = r.seq
            FROM (SELECT conversation_id, sender_id, max(seq) AS seq FROM stored GROUP BY conversation_id, sender_id) r
            WHERE mb.conversation_id = r.conversation_id AND mb.user_id = r.sender_id
        )
        SELECT s.seq AS stored_seq, e.seq AS earlier_seq, e.message_id AS earlier_message_id, e.sent_at AS earlier_sent_at,
               CASE WHEN i.first THEN (SELECT true FROM messaging.conversations c WHERE c.conversation_id = i.conversation_id) IS NOT NULL END
                   AS conversation_exists,
               CASE WHEN i.first THEN ARRAY(SELECT user_id FROM messaging.members mb WHERE mb.conversation_id = i.conversation_id AND mb.removed_seq IS NULL) END
                   AS member_ids
        FROM input i
        LEFT JOIN stored s ON s.message_id = i.message_id
        LEFT JOIN earlier e ON e.n = i.n
        ORDER BY i.n
        """;


    /// <summary>Writes <paramref name="conversations"/> (sorted by id) in <paramref name="transaction"/>: per conversation, one outcome per send, in order.</summary>
    public static async Task<List<List<SendOutcome>>> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ConversationBatch> conversations, DateTimeOffset now, bool citus,
        CancellationToken cancellationToken)
    {
        if (citus)
        {
            return await CitusSendStatements.WriteAsync(connection, transaction, conversations, now, cancellationToken);
        }

        var all = conversations.SelectMany(c => c.Sends.Select((send, i) => (c.ConversationId, Send: send, MessageId: c.MessageIds[i], First: i == 0))).ToList();
        await using var batch = new NpgsqlBatch(connection, transaction);
        var lockAll = new NpgsqlBatchCommand(LockAllSql);
        lockAll.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. conversations.Select(c => c.ConversationId)] });
        batch.BatchCommands.Add(lockAll);

        var batchStatement = new NpgsqlBatchCommand(BatchSql);
        batchStatement.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. all.Select(s => s.ConversationId)] });
        batchStatement.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. all.Select(s => s.Send.Caller.UserId)] });
        batchStatement.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. all.Select(s => s.Send.ClientMsgId)] });
        batchStatement.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. all.Select(s => s.MessageId)] });
        batchStatement.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        batchStatement.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. all.Select(s => s.Send.Text)] });
        batchStatement.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. all.Select(s => s.First)] });
        batch.BatchCommands.Add(batchStatement);

        var outcomes = new List<List<SendOutcome>>(conversations.Count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken); // past the locks
        var batchRows = new SendRows(reader);
        foreach (var conversation in conversations)
        {
            var rows = new List<SendOutcome>(conversation.Sends.Count);
            await batchRows.ReadAsync(rows, conversation.Sends.Count, cancellationToken);
            outcomes.Add(Checked(rows, conversation));
        }

        await reader.NextResultAsync(cancellationToken);
        return outcomes;
    }

    /// <summary>
    /// The rows of one send statement, read by column name: one per send, the first of each conversation saying
    /// whether it exists and who its members are, for all its sends.
    /// </summary>
    private sealed class SendRows(NpgsqlDataReader reader)
    {
        private readonly int _storedSeq = reader.GetOrdinal("stored_seq");
        private readonly int _earlierSeq = reader.GetOrdinal("earlier_seq");
        private readonly int _earlierMessageId = reader.GetOrdinal("earlier_message_id");
        private readonly int _earlierSentAt = reader.GetOrdinal("earlier_sent_at");
        private readonly int _conversationExists = reader.GetOrdinal("conversation_exists");
        private readonly int _memberIds = reader.GetOrdinal("member_ids");

        /// <summary>Adds up to <paramref name="count"/> rows to <paramref name="rows"/>, those of one conversation.</summary>
        public async Task ReadAsync(List<SendOutcome> rows, int count, CancellationToken cancellationToken)
        {
            for (var read = 0; read < count && await reader.ReadAsync(cancellationToken); read++)
            {
                long? storedSeq = reader.IsDBNull(_storedSeq) ? null : reader.GetInt64(_storedSeq);
                (long, Guid, DateTimeOffset)? earlier = reader.IsDBNull(_earlierSeq)
                    ? null
                    : (reader.GetInt64(_earlierSeq), reader.GetGuid(_earlierMessageId), reader.GetFieldValue<DateTimeOffset>(_earlierSentAt));
                rows.Add(rows.Count == 0
                    ? new SendOutcome(storedSeq, earlier, reader.GetBoolean(_conversationExists), reader.GetFieldValue<Guid[]>(_memberIds))
                    : new SendOutcome(storedSeq, earlier, rows[0].ConversationExists, rows[0].MemberIds));
            }
        }
    }

    internal static List<SendOutcome> Checked(List<SendOutcome> rows, ConversationBatch conversation) =>
        rows.Count == conversation.Sends.Count
            ? rows
            : throw new InvalidOperationException(
                $"The send statements answered {rows.Count} rows for {conversation.Sends.Count} sends to {conversation.ConversationId}.");
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
