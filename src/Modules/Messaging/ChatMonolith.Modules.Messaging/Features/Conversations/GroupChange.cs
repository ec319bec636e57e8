using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Messaging.Delivery;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

internal static class GroupChange
{
    /// <summary>
    /// Appends the system event of a change, saves, and adds its delivery to <paramref name="events"/>: to every
    /// member after the change, plus <paramref name="alsoNotify"/> (a removed member learns of their own removal).
    /// </summary>
    public static async Task<ConversationChange> CommitAsync(
        MessagingDbContext db, Guid conversationId, Guid actorId, SystemEventKind kind, Guid[] userIds, string? title,
        Func<long, Task> applyAtSeq, OutgoingMessages events, TimeProvider clock, CancellationToken cancellationToken, params Guid[] alsoNotify)
    {
        var now = clock.GetUtcNow();
        var entry = await ConversationLog.AppendAsync(
            db, conversationId, now, seq => ConversationLog.SystemEvent(conversationId, seq, now, actorId, kind, userIds, title), cancellationToken);
        await applyAtSeq(entry.Seq);
        // The member who made the change has seen it.
        await db.Members.Where(m => m.ConversationId == conversationId && m.UserId == actorId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ReadSeq, entry.Seq), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.ConversationId == conversationId, cancellationToken);
        var actor = await db.Members.AsNoTracking().SingleAsync(m => m.ConversationId == conversationId && m.UserId == actorId, cancellationToken);
        var recipients = (await Membership.ActiveMemberIdsAsync(db, conversationId, cancellationToken)).Union(alsoNotify).ToList();
        var view = await ConversationReader.ReadAsync(db, conversation, actor, cancellationToken);
        events.Add(DeliverEntries.Change(recipients, entry.ToView(), view));
        return new ConversationChange(view, entry.Seq);
    }
}
