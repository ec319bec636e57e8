using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Messaging.Contracts.Queries;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Messaging.Features.Directory;

/// <summary>Answers other modules' <see cref="GetMessageAudience"/>.</summary>
[NonTransactional]
public static class GetMessageAudienceHandler
{
    public static async Task<MessageAudience> Handle(GetMessageAudience query, MessagingDbContext db, CancellationToken cancellationToken)
    {
        var (conversation, caller) = await Membership.RequireReaderAsync(db, query.ConversationId, query.CallerId, cancellationToken);
        var entry = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == query.ConversationId && m.Seq == query.Seq)
            .Select(m => new { m.SenderId })
            .SingleOrDefaultAsync(cancellationToken);
        if (entry is null || query.Seq < caller.JoinedSeq || query.Seq > caller.VisibleUpTo(conversation.LastSeq))
        {
            throw ChatException.NotFound("MESSAGE_NOT_FOUND", "There is no message at that seq that you may see.");
        }

        var audience = await db.Members.AsNoTracking()
            .Where(m => m.ConversationId == query.ConversationId && m.JoinedSeq <= query.Seq && (m.RemovedSeq == null || m.RemovedSeq >= query.Seq))
            .Select(m => new ConversationMember(m.UserId, m.JoinedSeq, m.RemovedSeq))
            .ToListAsync(cancellationToken);
        return new MessageAudience(conversation.Kind == ConversationKind.Group, entry.SenderId, audience);
    }
}
