using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Messaging.Features.History;

public sealed record Sync(Caller Caller, string Cursor, int PageSize);

public sealed record SyncPage(IReadOnlyList<MessageView> Messages, string NextCursor, bool HasMore);

/// <summary>Reads only: no transaction, no outbox.</summary>
[NonTransactional]
public static class SyncHandler
{
    public const int MaxPageSize = 500;

    /// <summary>Everything the caller may read that the cursor does not have, conversation by conversation, in seq order.</summary>
    public static async Task<SyncPage> Handle(Sync query, MessagingDbContext db, CancellationToken cancellationToken)
    {
        var seqs = SyncCursor.Decode(query.Cursor);
        new Validator()
            .Require(query.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be 1 to {MaxPageSize}")
            .Require(seqs is not null, "cursor", "is not a cursor this server issued")
            .ThrowIfInvalid();
        var pageSize = query.PageSize == 0 ? 200 : query.PageSize;
        var userId = query.Caller.UserId;

        var ids = await db.UserConversations.AsNoTracking().Where(u => u.UserId == userId).Select(u => u.ConversationId).ToListAsync(cancellationToken);
        var members = await db.Members.AsNoTracking().Where(m => m.UserId == userId && ids.Contains(m.ConversationId)).ToListAsync(cancellationToken);
        var lastSeqs = await db.Conversations.AsNoTracking().Where(c => ids.Contains(c.ConversationId))
            .ToDictionaryAsync(c => c.ConversationId, c => c.LastSeq, cancellationToken);

        var page = new List<MessageView>();
        var hasMore = false;
        foreach (var member in members.OrderBy(m => m.ConversationId))
        {
            var from = Math.Max(seqs!.GetValueOrDefault(member.ConversationId) + 1, member.JoinedSeq);
            var to = member.VisibleUpTo(lastSeqs[member.ConversationId]);
            if (from > to)
            {
                continue;
            }

            var room = pageSize - page.Count;
            if (room == 0)
            {
                hasMore = true;
                break;
            }

            var messages = await db.Messages.AsNoTracking()
                .Where(m => m.ConversationId == member.ConversationId && m.Seq >= from && m.Seq <= to)
                .OrderBy(m => m.Seq).Take(room).ToListAsync(cancellationToken);
            page.AddRange(messages.Select(m => m.ToView()));
            if (messages.Count > 0)
            {
                seqs![member.ConversationId] = messages[^1].Seq;
            }

            hasMore |= messages.Count > 0 && messages[^1].Seq < to;
        }

        return new SyncPage(page, SyncCursor.Encode(seqs!), hasMore);
    }
}
