using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Contracts.Queries;
using ChatMonolith.Modules.Presence.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Presence.Features.Members;

/// <summary>
/// Who shares a conversation with whom, from the members read model that Messaging's events keep. Only an answer the
/// read model cannot give (a user it does not know as a member, as in the milliseconds between Messaging's commit and
/// the event's handling) is asked of Messaging, so a chat just opened can be watched and typed in at once (docs/adr/0016).
/// </summary>
internal static class KnownMembers
{
    /// <summary>Which of <paramref name="candidates"/> are, with <paramref name="userId"/>, current members of one conversation.</summary>
    public static async Task<HashSet<Guid>> PeersAsync(PresenceDbContext db, IMessageBus bus, Guid userId, IReadOnlyList<Guid> candidates)
    {
        if (candidates.Count == 0)
        {
            return [];
        }

        var peers = (await db.Members.AsNoTracking()
                .Where(mine => mine.UserId == userId && mine.RemovedSeq == null)
                .Join(db.Members.Where(theirs => candidates.Contains(theirs.UserId) && theirs.RemovedSeq == null),
                    mine => mine.ConversationId, theirs => theirs.ConversationId, (_, theirs) => theirs.UserId)
                .Distinct()
                .ToListAsync())
            .ToHashSet();
        var unknown = candidates.Where(c => c != userId && !peers.Contains(c)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            peers.UnionWith((await bus.InvokeAsync<ConversationPeers>(new FindConversationPeers(userId, unknown))).UserIds);
        }

        return peers;
    }

    /// <summary>The other current members of a conversation <paramref name="userId"/> is a member of.</summary>
    public static async Task<IReadOnlyList<Guid>> OthersAsync(
        PresenceDbContext db, IMessageBus bus, Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var active = await db.Members.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.RemovedSeq == null)
            .Select(m => m.UserId)
            .ToListAsync(cancellationToken);
        if (!active.Contains(userId))
        {
            // Not known here (yet): Messaging's word. A user who was never in it gets the answer an unknown id gets,
            // so that a stranger cannot tell which conversations exist.
            var conversation = (await bus.InvokeAsync<ConversationMembersList>(new GetConversationMembers([conversationId]), cancellationToken))
                .Conversations.SingleOrDefault();
            if (conversation is null || conversation.Members.All(m => m.UserId != userId))
            {
                throw ConversationErrors.NotFound();
            }

            active = [.. conversation.Active.Select(m => m.UserId)];
        }

        return active.Contains(userId)
            ? [.. active.Where(id => id != userId)]
            : throw ConversationErrors.NotAMember();
    }
}
