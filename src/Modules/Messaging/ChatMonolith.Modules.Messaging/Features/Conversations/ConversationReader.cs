using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

internal static class ConversationReader
{
    /// <summary>
    /// The conversation as <paramref name="reader"/> sees it: current members, and the newest entry they may read. A
    /// member who was removed or left sees it as it was then: its title then, and the members of that moment (those
    /// who joined before and had not gone yet; a member who left and came back counts from their return).
    /// </summary>
    public static async Task<ConversationView> ReadAsync(
        MessagingDbContext db, Conversation conversation, Member reader, CancellationToken cancellationToken) =>
        (await ReadManyAsync(db, [(conversation, reader)], cancellationToken))[0];

    /// <summary>As <see cref="ReadAsync"/> for a page of conversations, in two queries whatever the page's size.</summary>
    public static async Task<List<ConversationView>> ReadManyAsync(
        MessagingDbContext db, IReadOnlyList<(Conversation Conversation, Member Reader)> page, CancellationToken cancellationToken)
    {
        var ids = page.Select(p => p.Conversation.ConversationId).ToList();
        var lastSeqs = page.Select(p => p.Reader.VisibleUpTo(p.Conversation.LastSeq)).Distinct().ToList();
        // A member who left sees the group as it was when they left: for those conversations, past members too.
        var asWhenRemoved = page.Where(p => p.Reader.RemovedSeq is not null).Select(p => p.Conversation.ConversationId).ToList();
        var members = (await db.Members.AsNoTracking()
                .Where(m => ids.Contains(m.ConversationId) && (m.RemovedSeq == null || asWhenRemoved.Contains(m.ConversationId)))
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
            var lastMessage = lastMessages.GetValueOrDefault((conversation.ConversationId, visibleUpTo));
            var removedAt = reader.RemovedSeq;
            return new ConversationView(
                conversation.ConversationId,
                (int)conversation.Kind,
                removedAt is null ? conversation.Title : reader.TitleWhenRemoved ?? conversation.Title,
                visibleUpTo,
                removedAt is null ? conversation.LastActivityAt : lastMessage?.SentAt ?? conversation.LastActivityAt,
                members[conversation.ConversationId]
                    .Where(m => removedAt is null ? m.RemovedSeq is null : m.JoinedSeq <= removedAt && (m.RemovedSeq is null || m.RemovedSeq > removedAt))
                    .OrderBy(m => m.JoinedSeq).ThenBy(m => m.UserId)
                    .Select(m => new MemberView(m.UserId, (int)m.Role, m.JoinedSeq)).ToList(),
                lastMessage?.ToView(),
                reader.RemovedSeq,
                reader.UnreadCount(conversation.LastSeq));
        }).ToList();
    }
}
