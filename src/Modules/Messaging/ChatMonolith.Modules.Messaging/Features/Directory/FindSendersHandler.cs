using ChatMonolith.Modules.Messaging.Contracts.Queries;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Messaging.Features.Directory;

/// <summary>
/// Answers other modules' <see cref="FindSenders"/> in one round trip: one range scan of the (conversation_id, seq)
/// key per range, batched, so each stays a single-shard query under Citus.
/// </summary>
[NonTransactional]
public static class FindSendersHandler
{
    private const string Sql = """
        SELECT DISTINCT sender_id FROM messaging.messages
        WHERE conversation_id = $1 AND seq > $2 AND seq <= $3 AND sender_id IS NOT NULL
        """;

    public static async Task<RangeSenders> Handle(FindSenders query, MessagingDbContext db, CancellationToken cancellationToken)
    {
        if (query.Ranges.Count == 0)
        {
            return new RangeSenders([]);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection());
        foreach (var range in query.Ranges)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql)
            {
                Parameters = { new() { Value = range.ConversationId }, new() { Value = range.AfterSeq }, new() { Value = range.UpToSeq } },
            });
        }

        var senders = new List<IReadOnlyList<Guid>>(query.Ranges.Count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            var ids = new List<Guid>();
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }

            senders.Add(ids);
        }
        while (await reader.NextResultAsync(cancellationToken));

        return new RangeSenders(senders);
    }
}
