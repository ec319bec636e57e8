using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

internal static class ConversationReader
{
    /// <summary>The conversation as <paramref name="reader"/> sees it: current members, and the newest entry they may read.</summary>
    public static async Task<ConversationView> ReadAsync(
        MessagingDbContext db, Conversation conversation, Member reader, CancellationToken cancellationToken) =>
        (await ReadManyAsync(db, [(conversation, reader)], cancellationToken))[0];

    /// <summary>As <see cref="ReadAsync"/> for a page of conversations, in two queries whatever the page's size.</summary>
    public static async Task<List<ConversationView>> ReadManyAsync(
        MessagingDbContext db, IReadOnlyList<(Conversation Conversation, Member Reader)> page, CancellationToken cancellationToken)
    {
        var ids = page.Select(p => p.Conversation.ConversationId).ToList();
        var lastSeqs = page.Select(p => p.Reader.VisibleUpTo(p.Conversation.LastSeq)).Distinct().ToList();
        var members = (await db.Members.AsNoTracking()
                .Where(m => ids.Contains(m.ConversationId) && m.RemovedSeq == null)
                .ToListAsync(cancellationToken))
            .ToLookup(m => m.ConversationId);
        var lastMessages = (await db.Messages.AsNoTracking()
                .Where(m => ids.Contains(m.ConversationId) && lastSeqs.Contains(m.Seq))
                .ToListAsync(cancellationToken))
            .ToDictionary(m => (m.ConversationId, m.Seq));

        return page.Select(p =>
        {
            var (conversation, reader) = p;
            var visibleUpTo = reader.VisibleUpTo(conversation.LastSeq);
            return new ConversationView(
                conversation.ConversationId,
                (int)conversation.Kind,
                conversation.Title,
                visibleUpTo,
                conversation.LastActivityAt,
                members[conversation.ConversationId].OrderBy(m => m.JoinedSeq).ThenBy(m => m.UserId)
                    .Select(m => new MemberView(m.UserId, (int)m.Role, m.JoinedSeq)).ToList(),
                lastMessages.GetValueOrDefault((conversation.ConversationId, visibleUpTo))?.ToView(),
                reader.RemovedSeq,
                reader.UnreadCount(conversation.LastSeq));
        }).ToList();
    }
}
