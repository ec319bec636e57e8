using ChatMonolith.Modules.Messaging.Data;
using Npgsql;

namespace ChatMonolith.Modules.Messaging.Features.Send;

/// <summary>
/// A batch of sends written on Citus, in statements that Citus sends whole to the one shard of their conversation.
/// The set-based statement of plain PostgreSQL chains an insert behind a CTE; Citus cannot route that, and split it
/// into six subplans whose results went through the coordinator (91 messages/s in <c>scripts/bench direct --citus</c>).
/// Here the batch takes two round trips instead:
/// <list type="number">
/// <item>per conversation, in order: lock its row and read its last seq, read its members, and look up the sends that
/// were stored before (retries);</item>
/// <item>with the seqs decided here, under the locks: insert each new message, move the conversation's last seq and
/// each sender's read position.</item>
/// </list>
/// The outcomes are those of <see cref="SendStatement"/>'s statement for plain PostgreSQL (<c>SendVariantsAgreeTests</c>).
/// </summary>
internal static class CitusSendStatements
{
    private const string LockSql =
        "SELECT last_seq FROM messaging.conversations WHERE conversation_id = $1 FOR NO KEY UPDATE";

    // After the lock, in the same round trip: a statement's snapshot is taken at its own start, so these see every
    // membership change that committed before the lock was granted.
    private const string MembersSql =
        "SELECT user_id, removed_seq IS NULL AS active FROM messaging.members WHERE conversation_id = $1";

    private const string EarlierSql = """
        SELECT i.n, m.seq, m.message_id, m.sent_at
        FROM unnest($2::uuid[], $3::uuid[]) WITH ORDINALITY AS i(sender_id, client_msg_id, n)
        JOIN messaging.messages m ON m.conversation_id = $1 AND m.sender_id = i.sender_id AND m.client_msg_id = i.client_msg_id
        """;

    private const string InsertSql = """
        INSERT INTO messaging.messages (conversation_id, seq, message_id, sender_id, client_msg_id, sent_at, text)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """;

    private const string BumpSql =
        "UPDATE messaging.conversations SET last_seq = $2, last_activity_at = $3 WHERE conversation_id = $1";

    private const string ReadPositionSql =
        "UPDATE messaging.members SET read_seq = $3 WHERE conversation_id = $1 AND user_id = $2";

    public static async Task<List<List<SendOutcome>>> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ConversationBatch> conversations, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var states = await ReadStatesAsync(connection, transaction, conversations, cancellationToken);
        var outcomes = new List<List<SendOutcome>>(conversations.Count);
        await using var writes = new NpgsqlBatch(connection, transaction);
        for (var c = 0; c < conversations.Count; c++)
        {
            outcomes.Add(Decide(conversations[c], states[c], now, writes));
        }

        if (writes.BatchCommands.Count > 0)
        {
            await writes.ExecuteNonQueryAsync(cancellationToken);
        }

        return outcomes;
    }

    /// <summary>What a conversation is when its row is locked: its last seq (null when it does not exist), its members, the retries among the sends.</summary>
    private sealed record ConversationState(long? LastSeq, Dictionary<Guid, bool> Members, Dictionary<long, (long Seq, Guid MessageId, DateTimeOffset SentAt)> Earlier);

    private static async Task<List<ConversationState>> ReadStatesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ConversationBatch> conversations, CancellationToken cancellationToken)
    {
        await using var reads = new NpgsqlBatch(connection, transaction);
        foreach (var conversation in conversations)
        {
            reads.BatchCommands.Add(BatchCommands.Of(LockSql, conversation.ConversationId));
            reads.BatchCommands.Add(BatchCommands.Of(MembersSql, conversation.ConversationId));
            reads.BatchCommands.Add(BatchCommands.Of(EarlierSql, conversation.ConversationId,
                conversation.Sends.Select(s => s.Caller.UserId).ToArray(), conversation.Sends.Select(s => s.ClientMsgId).ToArray()));
        }

        var states = new List<ConversationState>(conversations.Count);
        await using var reader = await reads.ExecuteReaderAsync(cancellationToken);
        foreach (var _ in conversations)
        {
            long? lastSeq = await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : null;
            await reader.NextResultAsync(cancellationToken);
            var members = new Dictionary<Guid, bool>();
            while (await reader.ReadAsync(cancellationToken))
            {
                members[reader.GetGuid(0)] = reader.GetBoolean(1);
            }

            await reader.NextResultAsync(cancellationToken);
            var earlier = new Dictionary<long, (long, Guid, DateTimeOffset)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                earlier[reader.GetInt64(0)] = (reader.GetInt64(1), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3));
            }

            await reader.NextResultAsync(cancellationToken);
            states.Add(new ConversationState(lastSeq, members, earlier));
        }

        return states;
    }

    /// <summary>Gives each new send of a member the next seq, adds its writes to <paramref name="writes"/>, and answers every send.</summary>
    private static List<SendOutcome> Decide(ConversationBatch conversation, ConversationState state, DateTimeOffset now, NpgsqlBatch writes)
    {
        var (conversationId, sends, messageIds) = conversation;
        Guid[] memberIds = [.. state.Members.Where(m => m.Value).Select(m => m.Key)];
        var lastSeq = state.LastSeq ?? 0;
        var readPositions = new Dictionary<Guid, long>();
        var outcomes = new List<SendOutcome>(sends.Count);
        for (var i = 0; i < sends.Count; i++)
        {
            var send = sends[i];
            long? stored = null;
            var earlier = state.Earlier.TryGetValue(i + 1, out var found) ? found : ((long, Guid, DateTimeOffset)?)null;
            if (earlier is null && state.LastSeq is not null && state.Members.GetValueOrDefault(send.Caller.UserId))
            {
                stored = ++lastSeq;
                readPositions[send.Caller.UserId] = lastSeq;
                writes.BatchCommands.Add(BatchCommands.Of(InsertSql, conversationId, lastSeq, messageIds[i], send.Caller.UserId, send.ClientMsgId, now, send.Text));
            }

            outcomes.Add(new SendOutcome(stored, earlier, state.LastSeq is not null, memberIds));
        }

        if (readPositions.Count > 0)
        {
            writes.BatchCommands.Add(BatchCommands.Of(BumpSql, conversationId, lastSeq, now));
            foreach (var (senderId, seq) in readPositions)
            {
                writes.BatchCommands.Add(BatchCommands.Of(ReadPositionSql, conversationId, senderId, seq));
            }
        }

        return SendStatement.Checked(outcomes, conversation);
    }
}
