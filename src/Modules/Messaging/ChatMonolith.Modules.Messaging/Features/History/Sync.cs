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

        var windows = await MemberWindows.LoadAsync(db, query.Caller.UserId, null, cancellationToken);

        var page = new List<MessageView>();
        var hasMore = false;
        foreach (var window in windows.OrderBy(w => w.ConversationId))
        {
            var from = Math.Max(seqs!.GetValueOrDefault(window.ConversationId) + 1, window.JoinedSeq);
            var to = window.VisibleUpTo;
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
                .Where(m => m.ConversationId == window.ConversationId && m.Seq >= from && m.Seq <= to)
                .OrderBy(m => m.Seq).Take(room).ToListAsync(cancellationToken);
            page.AddRange(messages.Select(m => m.ToView()));
            if (messages.Count > 0)
            {
                seqs![window.ConversationId] = messages[^1].Seq;
            }

            hasMore |= messages.Count > 0 && messages[^1].Seq < to;
        }

        return new SyncPage(page, SyncCursor.Encode(seqs!), hasMore);
    }
}
