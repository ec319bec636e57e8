using ChatMonolith.Modules.Messaging.Contracts.Queries;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Messaging.Features.Directory;

/// <summary>Answers other modules' <see cref="FindConversationPeers"/>: both must be current members of one conversation.</summary>
[NonTransactional]
public static class FindConversationPeersHandler
{
    public static async Task<ConversationPeers> Handle(FindConversationPeers query, MessagingDbContext db, CancellationToken cancellationToken)
    {
        var candidates = query.Candidates.Distinct().ToList();
        var peers = await db.Members.AsNoTracking()
            .Where(mine => mine.UserId == query.UserId && mine.RemovedSeq == null)
            .Join(db.Members.Where(theirs => candidates.Contains(theirs.UserId) && theirs.RemovedSeq == null),
                mine => mine.ConversationId, theirs => theirs.ConversationId, (_, theirs) => theirs.UserId)
            .Distinct()
            .ToListAsync(cancellationToken);
        return new ConversationPeers(peers);
    }
}
