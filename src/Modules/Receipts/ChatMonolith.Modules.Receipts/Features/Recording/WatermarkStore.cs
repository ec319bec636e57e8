using ChatMonolith.BuildingBlocks.Persistence;
using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>
/// Moves a window's watermarks forward: in one statement whatever the number of members and conversations on plain
/// PostgreSQL, in one statement per mark, each on one shard, on Citus.
/// </summary>
/// <remarks>
/// What a mark was before comes from the row itself (<see cref="Before"/>): a mark that moves gets this flush's time
/// and appends its seq to its history, so the previous seq is the one before the last in the history. (RETURNING
/// carries no parameter: Citus sent those to the workers untyped, "could not determine data type".) The statement once read the rows in a
/// CTE beside the upsert. On plain PostgreSQL that sees the snapshot before the upsert. Citus plans each CTE of a
/// multi-shard statement on its own and ran that read after the upsert, so every move of an existing watermark
/// looked like no move: no read receipt and no aggregate went out, and since nothing failed, nothing was logged.
/// </remarks>
internal static class WatermarkStore
{
    // Forward only: a stale report matches no row to update and does not come back. Reading implies delivery. Each
    // move appends to the member's short history of (seq, time) marks, and sets its time to @now. What the row was
    // inserted as (EXCLUDED) is the same in both heads below.
    private const string Upsert = """
        ON CONFLICT (conversation_id, user_id) DO UPDATE SET
            delivered_seq = GREATEST(w.delivered_seq, EXCLUDED.delivered_seq),
            delivered_at = CASE WHEN EXCLUDED.delivered_seq > w.delivered_seq THEN @now ELSE w.delivered_at END,
            delivered_marks = CASE WHEN EXCLUDED.delivered_seq > w.delivered_seq
                THEN (w.delivered_marks || EXCLUDED.delivered_seq)[GREATEST(1, cardinality(w.delivered_marks) + 2 - @history):]
                ELSE w.delivered_marks END,
            delivered_times = CASE WHEN EXCLUDED.delivered_seq > w.delivered_seq
                THEN (w.delivered_times || @now)[GREATEST(1, cardinality(w.delivered_times) + 2 - @history):]
                ELSE w.delivered_times END,
            read_seq = GREATEST(w.read_seq, EXCLUDED.read_seq),
            read_at = CASE WHEN EXCLUDED.read_seq > w.read_seq THEN @now ELSE w.read_at END,
            read_marks = CASE WHEN EXCLUDED.read_seq > w.read_seq
                THEN (w.read_marks || EXCLUDED.read_seq)[GREATEST(1, cardinality(w.read_marks) + 2 - @history):]
                ELSE w.read_marks END,
            read_times = CASE WHEN EXCLUDED.read_seq > w.read_seq
                THEN (w.read_times || @now)[GREATEST(1, cardinality(w.read_times) + 2 - @history):]
                ELSE w.read_times END
        WHERE EXCLUDED.delivered_seq > w.delivered_seq OR EXCLUDED.read_seq > w.read_seq
        RETURNING w.conversation_id, w.user_id, w.delivered_seq, w.delivered_at, w.read_seq, w.read_at, w.delivered_marks, w.read_marks
        """;

    private const string Columns =
        "(conversation_id, user_id, delivered_seq, delivered_at, read_seq, read_at, delivered_marks, delivered_times, read_marks, read_times)";

    // Plain PostgreSQL: the whole window in one statement, over arrays.
    private const string WindowSql = $"""
        INSERT INTO receipts.watermarks AS w {Columns}
        SELECT i.conversation_id, i.user_id, GREATEST(i.delivered_seq, i.read_seq), @now, i.read_seq,
               CASE WHEN i.read_seq > 0 THEN @now END,
               ARRAY[GREATEST(i.delivered_seq, i.read_seq)], ARRAY[@now],
               CASE WHEN i.read_seq > 0 THEN ARRAY[i.read_seq] ELSE '{"{}"}' END,
               CASE WHEN i.read_seq > 0 THEN ARRAY[@now] ELSE '{"{}"}' END
        FROM unnest(@conversation_ids, @user_ids, @delivered, @read) AS i(conversation_id, user_id, delivered_seq, read_seq)
        {Upsert}
        """;

    // Citus: one statement per mark, each routed whole to its conversation's shard. The window's statement above is
    // an INSERT ... SELECT over rows of every shard, which Citus pulls through the coordinator.
    private const string MarkSql = $"""
        INSERT INTO receipts.watermarks AS w {Columns}
        VALUES (@conversation_id, @user_id, GREATEST(@delivered, @read), @now, @read,
                CASE WHEN @read > 0 THEN @now END,
                ARRAY[GREATEST(@delivered, @read)], ARRAY[@now],
                CASE WHEN @read > 0 THEN ARRAY[@read] ELSE '{"{}"}'::bigint[] END,
                CASE WHEN @read > 0 THEN ARRAY[@now] ELSE '{"{}"}'::timestamptz[] END)
        {Upsert}
        """;

    public static async Task<IReadOnlyList<MovedWatermark>> AdvanceAsync(
        ReceiptsDbContext db, DatabaseEngine engine, IReadOnlyDictionary<(Guid ConversationId, Guid UserId), PendingMark> marks, DateTimeOffset now,
        int history, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var batch = new NpgsqlBatch(connection);
        if (await engine.IsCitusAsync(connection))
        {
            foreach (var ((conversationId, userId), mark) in marks)
            {
                var statement = new NpgsqlBatchCommand(MarkSql);
                AddShared(statement, now, history);
                statement.Parameters.Add(new NpgsqlParameter<Guid>("conversation_id", conversationId));
                statement.Parameters.Add(new NpgsqlParameter<Guid>("user_id", userId));
                statement.Parameters.Add(new NpgsqlParameter<long>("delivered", mark.DeliveredSeq));
                statement.Parameters.Add(new NpgsqlParameter<long>("read", mark.ReadSeq));
                batch.BatchCommands.Add(statement);
            }
        }
        else
        {
            var statement = new NpgsqlBatchCommand(WindowSql);
            AddShared(statement, now, history);
            statement.Parameters.Add(new NpgsqlParameter<Guid[]>("conversation_ids", [.. marks.Keys.Select(k => k.ConversationId)]));
            statement.Parameters.Add(new NpgsqlParameter<Guid[]>("user_ids", [.. marks.Keys.Select(k => k.UserId)]));
            statement.Parameters.Add(new NpgsqlParameter<long[]>("delivered", [.. marks.Values.Select(m => m.DeliveredSeq)]));
            statement.Parameters.Add(new NpgsqlParameter<long[]>("read", [.. marks.Values.Select(m => m.ReadSeq)]));
            batch.BatchCommands.Add(statement);
        }

        var moved = new List<MovedWatermark>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                DateTimeOffset? deliveredAt = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3);
                DateTimeOffset? readAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5);
                var deliveredSeq = reader.GetInt64(2);
                var readSeq = reader.GetInt64(4);
                moved.Add(new MovedWatermark(
                    reader.GetGuid(0),
                    reader.GetGuid(1),
                    deliveredSeq,
                    deliveredAt,
                    readSeq,
                    readAt,
                    Before(deliveredSeq, deliveredAt, reader.GetFieldValue<long[]>(6), now),
                    Before(readSeq, readAt, reader.GetFieldValue<long[]>(7), now)));
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return moved;
    }

    private static void AddShared(NpgsqlBatchCommand statement, DateTimeOffset now, int history)
    {
        statement.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        statement.Parameters.Add(new NpgsqlParameter<int>("history", history));
    }

    /// <summary>
    /// A mark's seq before this flush: unchanged unless its time is this flush's, and then the one before the last of
    /// its history (0 for a first mark, or when the history keeps one entry only, which then tells a group's senders
    /// from the start of the range). <paramref name="now"/> is in microseconds, as PostgreSQL keeps it
    /// (<see cref="ReceiptBatcher"/> truncates it), so a time this flush set compares equal.
    /// </summary>
    private static long Before(long seq, DateTimeOffset? at, long[] marks, DateTimeOffset now) =>
        at != now ? seq : marks.Length >= 2 ? marks[^2] : 0;
}
