using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>
/// Moves a window's watermarks forward in one statement, whatever the number of members and conversations.
/// </summary>
/// <remarks>
/// What a mark was before comes from the row itself (<see cref="Before"/>): a mark that moves gets this flush's time
/// and appends its seq to its history, so the previous seq is the one before the last in the history. (RETURNING
/// carries no parameter, for the reason given at <see cref="Sql"/>.) The statement once read the rows in a
/// CTE beside the upsert. On plain PostgreSQL that sees the snapshot before the upsert. Citus plans each CTE of a
/// multi-shard statement on its own and ran that read after the upsert, so every move of an existing watermark
/// looked like no move: no read receipt and no aggregate went out, and since nothing failed, nothing was logged.
/// </remarks>
internal static class WatermarkStore
{
    // Forward only: a stale report matches no row to update and does not come back. Reading implies delivery. Each
    // move appends to the member's short history of (seq, time) marks, and sets its time to @now. The upsert is a CTE
    // read by the final SELECT: so Citus runs it from the coordinator, where the parameters are; a bare INSERT ...
    // SELECT went to the workers with its ON CONFLICT parameters untyped ("could not determine data type").
    private const string Sql = """
        WITH input AS (
            SELECT * FROM unnest(@conversation_ids, @user_ids, @delivered, @read) AS i(conversation_id, user_id, delivered_seq, read_seq)
        ),
        moved AS (
        INSERT INTO receipts.watermarks AS w
            (conversation_id, user_id, delivered_seq, delivered_at, read_seq, read_at, delivered_marks, delivered_times, read_marks, read_times)
        SELECT i.conversation_id, i.user_id, GREATEST(i.delivered_seq, i.read_seq), @now, i.read_seq,
               CASE WHEN i.read_seq > 0 THEN @now END,
               ARRAY[GREATEST(i.delivered_seq, i.read_seq)], ARRAY[@now],
               CASE WHEN i.read_seq > 0 THEN ARRAY[i.read_seq] ELSE '{}' END,
               CASE WHEN i.read_seq > 0 THEN ARRAY[@now] ELSE '{}' END
        FROM input i
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
        )
        SELECT * FROM moved
        """;

    public static async Task<IReadOnlyList<MovedWatermark>> AdvanceAsync(
        ReceiptsDbContext db, IReadOnlyDictionary<(Guid ConversationId, Guid UserId), PendingMark> marks, DateTimeOffset now, int history, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Sql, (NpgsqlConnection)db.Database.GetDbConnection());
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("history", history);
        command.Parameters.AddWithValue("conversation_ids", marks.Keys.Select(k => k.ConversationId).ToArray());
        command.Parameters.AddWithValue("user_ids", marks.Keys.Select(k => k.UserId).ToArray());
        command.Parameters.AddWithValue("delivered", marks.Values.Select(m => m.DeliveredSeq).ToArray());
        command.Parameters.AddWithValue("read", marks.Values.Select(m => m.ReadSeq).ToArray());

        var moved = new List<MovedWatermark>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
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

        return moved;
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
