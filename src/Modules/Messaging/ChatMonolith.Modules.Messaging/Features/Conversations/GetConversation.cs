using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Data;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

public sealed record GetConversation(Caller Caller, Guid ConversationId);

/// <summary>Reads only: no transaction, no outbox.</summary>
[NonTransactional]
public static class GetConversationHandler
{
    public static async Task<ConversationView> Handle(GetConversation query, MessagingDbContext db, CancellationToken cancellationToken)
    {
        var (conversation, member) = await Membership.RequireReaderAsync(db, query.ConversationId, query.Caller.UserId, cancellationToken);
        return await ConversationReader.ReadAsync(db, conversation, member, cancellationToken);
    }
}
