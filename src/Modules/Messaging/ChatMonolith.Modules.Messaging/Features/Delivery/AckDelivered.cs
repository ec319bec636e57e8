using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Features.Delivery;

/// <summary>A device has received the conversation's entries up to <paramref name="Seq"/>.</summary>
public sealed record AckDelivered(Caller Caller, Guid ConversationId, long Seq);

public static class AckDeliveredHandler
{
    /// <returns>The member's delivered watermark after the ack.</returns>
    public static async Task<long> Handle(AckDelivered command, MessagingDbContext db, CancellationToken cancellationToken)
    {
        new Validator().Require(command.Seq >= 0, "seq", "must not be negative").ThrowIfInvalid();
        var (conversation, member) = await Membership.RequireReaderAsync(db, command.ConversationId, command.Caller.UserId, cancellationToken);

        // Only forward, and never past what the member may read: a stale or too-high ack cannot corrupt the watermark.
        var seq = Math.Min(command.Seq, member.VisibleUpTo(conversation.LastSeq));
        await db.Members
            .Where(m => m.ConversationId == command.ConversationId && m.UserId == command.Caller.UserId && m.DeliveredSeq < seq)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.DeliveredSeq, seq), cancellationToken);
        return Math.Max(seq, member.DeliveredSeq);
    }
}
