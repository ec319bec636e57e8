using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Features.Reading;

/// <summary>Users' unread counts, as a conversation list shows them: per conversation, the last seq they may read less the last they read.</summary>
internal static class UnreadCounts
{
    /// <summary>
    /// The counts of <paramref name="userIds"/> in <paramref name="conversationIds"/>, and the titles of the groups
    /// among them, in one statement that names its conversations (on Citus, routed to the shards that hold them).
    /// </summary>
    public static async Task<(List<ConversationUnread> Unread, List<GroupTitle> Titles)> InAsync(
        MessagingDbContext db, IReadOnlyCollection<Guid> conversationIds, IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        var rows = await db.Members.AsNoTracking()
            .Where(m => conversationIds.Contains(m.ConversationId) && userIds.Contains(m.UserId))
            .Join(db.Conversations.Where(c => conversationIds.Contains(c.ConversationId)), m => m.ConversationId, c => c.ConversationId, (m, c) => new
            {
                m.UserId,
                m.ConversationId,
                Count = (m.RemovedSeq ?? c.LastSeq) - m.ReadSeq,
                c.Kind,
                c.Title,
            })
            .ToListAsync(cancellationToken);
        var unread = rows.Select(row => new ConversationUnread(row.UserId, row.ConversationId, Math.Max(0, row.Count))).ToList();
        var titles = rows.Where(row => row.Kind == ConversationKind.Group).DistinctBy(row => row.ConversationId)
            .Select(row => new GroupTitle(row.ConversationId, row.Title)).ToList();
        return (unread, titles);
    }

    /// <summary>
    /// What each of <paramref name="userIds"/> has unread over all their conversations: their conversations from the
    /// per-user list, then the counts in those. Two statements whatever the number of users and conversations; the
    /// second spans the shards that hold those conversations.
    /// </summary>
    public static async Task<List<UnreadTotal>> TotalsAsync(MessagingDbContext db, IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        var conversationIds = await db.UserConversations.AsNoTracking()
            .Where(u => userIds.Contains(u.UserId))
            .Select(u => u.ConversationId)
            .Distinct()
            .ToListAsync(cancellationToken);
        var totals = userIds.ToDictionary(userId => userId, _ => 0L);
        if (conversationIds.Count > 0)
        {
            var (unread, _) = await InAsync(db, conversationIds, userIds, cancellationToken);
            foreach (var count in unread)
            {
                totals[count.UserId] += count.Count;
            }
        }

        return [.. totals.Select(total => new UnreadTotal(total.Key, total.Value))];
    }
}
