using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Receipts.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Messaging.Features.Reading;

/// <summary>A device has received the conversation's entries up to <paramref name="Seq"/>.</summary>
public sealed record AckDelivered(Caller Caller, Guid ConversationId, long Seq);

/// <summary>Checks an ack and turns it into the request that has Receipts store it; Messaging keeps no copy of delivery state.</summary>
[NonTransactional]
public static class AckDeliveredHandler
{
    public static async Task<RecordDelivery> Handle(AckDelivered command, MessagingDbContext db, CancellationToken cancellationToken)
    {
        new Validator().Require(command.Seq >= 0, "seq", "must not be negative").ThrowIfInvalid();
        var (conversation, member) = await Membership.RequireReaderAsync(db, command.ConversationId, command.Caller.UserId, cancellationToken);

        // Acks are automatic, so a too-high one is a client's slip rather than a request: clamped, never stored past
        // what the member may read.
        var seq = Math.Min(command.Seq, member.VisibleUpTo(conversation.LastSeq));
        return new RecordDelivery(command.ConversationId, command.Caller.UserId, seq);
    }
}
