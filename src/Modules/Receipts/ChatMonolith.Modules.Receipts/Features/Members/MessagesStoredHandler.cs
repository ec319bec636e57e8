using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChatMonolith.Modules.Receipts.Features.Members;

/// <summary>
/// Each sender's last message per conversation, one statement per stored batch: who a moved watermark may have passed.
/// A sender whose join has not been heard of yet gets a row that the join then completes.
/// </summary>
public static class MessagesStoredHandler
{
    private const string Sql = """
        INSERT INTO receipts.members AS m (conversation_id, user_id, is_group, joined_seq, removed_seq, last_sent_seq)
        SELECT conversation_id, user_id, false, 0, NULL, seq FROM unnest(@conversation_ids, @user_ids, @seqs) AS i(conversation_id, user_id, seq)
        ON CONFLICT (conversation_id, user_id) DO UPDATE SET last_sent_seq = EXCLUDED.last_sent_seq
            WHERE m.last_sent_seq < EXCLUDED.last_sent_seq
        """;

    public static async Task Handle(MessagesStored stored, ReceiptsDbContext db, CancellationToken cancellationToken)
    {
        var last = stored.Messages
            .GroupBy(m => (m.ConversationId, m.SenderId))
            .Select(g => (g.Key.ConversationId, g.Key.SenderId, Seq: g.Max(m => m.Seq)))
            .ToList();
        await db.Database.ExecuteSqlRawAsync(Sql,
            [
                new NpgsqlParameter("conversation_ids", last.Select(l => l.ConversationId).ToArray()),
                new NpgsqlParameter("user_ids", last.Select(l => l.SenderId).ToArray()),
                new NpgsqlParameter("seqs", last.Select(l => l.Seq).ToArray()),
            ],
            cancellationToken);
    }
}
