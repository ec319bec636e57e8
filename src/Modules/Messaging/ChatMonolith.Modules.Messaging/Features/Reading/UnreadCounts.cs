using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Features.Reading;

/// <summary>Users' unread counts, as a conversation list shows them: per conversation, the last seq they may read less the last they read.</summary>
internal static class UnreadCounts
{
    /// <summary>Every conversation of <paramref name="userIds"/> with something unread, in one query.</summary>
    public static async Task<List<ConversationUnread>> OfAsync(MessagingDbContext db, IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        var rows = await db.Members
            .Where(m => userIds.Contains(m.UserId))
            .Join(db.Conversations, m => m.ConversationId, c => c.ConversationId, (m, c) => new
            {
                m.UserId,
                m.ConversationId,
                Count = (m.RemovedSeq ?? c.LastSeq) - m.ReadSeq,
            })
            .Where(row => row.Count > 0)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(row => new ConversationUnread(row.UserId, row.ConversationId, row.Count))];
    }
}
