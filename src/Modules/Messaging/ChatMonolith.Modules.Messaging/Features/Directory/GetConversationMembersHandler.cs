using ChatMonolith.Modules.Messaging.Contracts.Queries;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Messaging.Features.Directory;

/// <summary>Answers other modules' <see cref="GetConversationMembers"/> in two queries, whatever the number of conversations.</summary>
[NonTransactional]
public static class GetConversationMembersHandler
{
    public static async Task<ConversationMembersList> Handle(GetConversationMembers query, MessagingDbContext db, CancellationToken cancellationToken)
    {
        var ids = query.ConversationIds.Distinct().ToList();
        var conversations = await db.Conversations.AsNoTracking()
            .Where(c => ids.Contains(c.ConversationId))
            .Select(c => new { c.ConversationId, c.Kind, c.LastSeq })
            .ToListAsync(cancellationToken);
        var members = (await db.Members.AsNoTracking()
                .Where(m => ids.Contains(m.ConversationId))
                .Select(m => new { m.ConversationId, m.UserId, m.JoinedSeq, m.RemovedSeq })
                .ToListAsync(cancellationToken))
            .ToLookup(m => m.ConversationId, m => new ConversationMember(m.UserId, m.JoinedSeq, m.RemovedSeq));

        return new ConversationMembersList([.. conversations.Select(c =>
            new ConversationMembers(c.ConversationId, c.Kind == ConversationKind.Group, c.LastSeq, [.. members[c.ConversationId]]))]);
    }
}
