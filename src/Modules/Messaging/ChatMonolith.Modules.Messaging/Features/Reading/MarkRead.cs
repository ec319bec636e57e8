using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Receipts.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Features.Reading;

/// <summary>The user has read the conversation up to <paramref name="Seq"/>.</summary>
public sealed record MarkRead(Caller Caller, Guid ConversationId, long Seq);

/// <summary>The read position after a <see cref="MarkRead"/>, and the request that has Receipts store it and tell the other members.</summary>
public sealed record ReadPosition(long ReadSeq, long UnreadCount, RecordRead Receipt);

public static class MarkReadHandler
{
    /// <summary>Moves the read position forward, and tells other modules (<see cref="ConversationRead"/>) when it moved.</summary>
    public static async Task<(ReadPosition, ConversationRead?)> Handle(MarkRead command, MessagingDbContext db, CancellationToken cancellationToken)
    {
        var (conversation, member) = await Membership.RequireReaderAsync(db, command.ConversationId, command.Caller.UserId, cancellationToken);
        var visibleUpTo = member.VisibleUpTo(conversation.LastSeq);
        new Validator()
            .Require(command.Seq >= 0, "seq", "must not be negative")
            .Require(command.Seq <= visibleUpTo, "seq", $"is past the end of what you may read ({visibleUpTo})")
            .ThrowIfInvalid();

        // Forward only: a stale mark from a slower device changes nothing.
        var readSeq = Math.Max(member.ReadSeq, command.Seq);
        var position = new ReadPosition(readSeq, Math.Max(0, visibleUpTo - readSeq), new RecordRead(command.ConversationId, command.Caller.UserId, readSeq));
        if (readSeq == member.ReadSeq)
        {
            return (position, null);
        }

        var moved = await db.Members
            .Where(m => m.ConversationId == command.ConversationId && m.UserId == command.Caller.UserId && m.ReadSeq < readSeq)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ReadSeq, readSeq), cancellationToken);
        if (moved == 0)
        {
            return (position, null);
        }

        return (position, new ConversationRead(command.Caller.UserId, command.ConversationId, readSeq));
    }
}
