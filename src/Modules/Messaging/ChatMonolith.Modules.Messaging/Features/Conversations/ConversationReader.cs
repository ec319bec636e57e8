using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

internal static class ConversationReader
{
    /// <summary>The conversation as <paramref name="reader"/> sees it: current members, and the newest entry they may read.</summary>
    public static async Task<ConversationView> ReadAsync(
        MessagingDbContext db, Conversation conversation, Member reader, CancellationToken cancellationToken)
    {
        var members = await db.Members.AsNoTracking()
            .Where(m => m.ConversationId == conversation.ConversationId && m.RemovedSeq == null)
            .OrderBy(m => m.JoinedSeq).ThenBy(m => m.UserId)
            .Select(m => new MemberView(m.UserId, (int)m.Role, m.JoinedSeq))
            .ToListAsync(cancellationToken);
        var visibleUpTo = reader.VisibleUpTo(conversation.LastSeq);
        var last = await db.Messages.AsNoTracking()
            .SingleOrDefaultAsync(m => m.ConversationId == conversation.ConversationId && m.Seq == visibleUpTo, cancellationToken);
        return new ConversationView(conversation.ConversationId, (int)conversation.Kind, conversation.Title, visibleUpTo,
            conversation.LastActivityAt, members, last?.ToView(), reader.RemovedSeq, reader.UnreadCount(conversation.LastSeq));
    }
}
