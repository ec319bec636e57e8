using ChatMonolith.Modules.Messaging.Contracts.Queries;
using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>
/// A conversation's members as Receipts knows them; its <paramref name="LastSeq"/> only when Messaging was asked (the
/// read model does not follow every message).
/// </summary>
internal sealed record KnownConversation(Guid ConversationId, bool IsGroup, IReadOnlyList<KnownMember> Members, long? LastSeq = null)
{
    public IEnumerable<KnownMember> Active => Members.Where(m => m.RemovedSeq is null);
}

/// <summary>
/// The conversations of a window's moves, from the members read model that Messaging's events keep. A conversation the
/// read model does not know yet, or in which it does not know a mover as a member, is in the few milliseconds between
/// Messaging's commit and the event's handling: that one is asked of Messaging (docs/adr/0016). So is a group whose
/// mover is its only member left, whose ticks are the conversation's last seq.
/// </summary>
internal static class KnownConversations
{
    public static async Task<Dictionary<Guid, KnownConversation>> LoadAsync(
        ReceiptsDbContext db, IMessageBus bus, IReadOnlyCollection<(Guid ConversationId, Guid UserId)> movers, CancellationToken cancellationToken)
    {
        var ids = movers.Select(m => m.ConversationId).Distinct().ToList();
        var known = (await db.Members.AsNoTracking().Where(m => ids.Contains(m.ConversationId)).ToListAsync(cancellationToken))
            .GroupBy(m => m.ConversationId)
            .ToDictionary(g => g.Key, g => new KnownConversation(g.Key, g.Any(m => m.IsGroup), [.. g]));
        var unknown = movers
            .Where(m => !known.TryGetValue(m.ConversationId, out var c) || !c.Active.Any(x => x.UserId == m.UserId) || c.Active.Count() < 2)
            .Select(m => m.ConversationId)
            .Distinct()
            .ToList();
        if (unknown.Count > 0)
        {
            var asked = await bus.InvokeAsync<ConversationMembersList>(new GetConversationMembers(unknown), cancellationToken);
            foreach (var c in asked.Conversations)
            {
                known[c.ConversationId] = new KnownConversation(c.ConversationId, c.IsGroup, [.. c.Members.Select(m => new KnownMember
                {
                    ConversationId = c.ConversationId, UserId = m.UserId, IsGroup = c.IsGroup, JoinedSeq = m.JoinedSeq, RemovedSeq = m.RemovedSeq,
                })], c.LastSeq);
            }
        }

        return known;
    }
}
