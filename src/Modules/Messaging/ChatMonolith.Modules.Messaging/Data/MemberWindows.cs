using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>The seqs of a conversation a member may read right now.</summary>
internal sealed record MemberWindow(Guid ConversationId, long JoinedSeq, long VisibleUpTo);

internal static class MemberWindows
{
    /// <summary>
    /// The user's window in each of <paramref name="conversationIds"/> (all of their conversations when null): three
    /// key lookups, whatever the number of conversations (docs/adr/0009).
    /// </summary>
    public static async Task<List<MemberWindow>> LoadAsync(
        MessagingDbContext db, Guid userId, IReadOnlyList<Guid>? conversationIds, CancellationToken cancellationToken)
    {
        var ids = conversationIds?.ToList() ?? await db.UserConversations.AsNoTracking()
            .Where(u => u.UserId == userId).Select(u => u.ConversationId).ToListAsync(cancellationToken);
        var members = await db.Members.AsNoTracking()
            .Where(m => m.UserId == userId && ids.Contains(m.ConversationId))
            .ToListAsync(cancellationToken);
        var lastSeqs = await db.Conversations.AsNoTracking()
            .Where(c => ids.Contains(c.ConversationId))
            .ToDictionaryAsync(c => c.ConversationId, c => c.LastSeq, cancellationToken);
        return members
            .Select(m => new MemberWindow(m.ConversationId, m.JoinedSeq, m.VisibleUpTo(lastSeqs.GetValueOrDefault(m.ConversationId))))
            .ToList();
    }
}
