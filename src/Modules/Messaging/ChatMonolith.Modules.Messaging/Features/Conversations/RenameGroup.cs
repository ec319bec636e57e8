using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Data;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

public sealed record RenameGroup(Caller Caller, Guid ConversationId, string Title);

public static class RenameGroupHandler
{
    public static async Task<(ConversationChange, OutgoingMessages)> Handle(
        RenameGroup command, MessagingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var title = Validator.Parse(v => v.Name(command.Title, "title", Conversation.MaxTitleLength));
        var (conversation, _) = await Membership.RequireGroupAdminAsync(db, command.ConversationId, command.Caller.UserId, cancellationToken);
        db.Attach(conversation);

        var events = new OutgoingMessages();
        var change = await GroupChange.CommitAsync(db, command.ConversationId, command.Caller.UserId, SystemEventKind.GroupRenamed, [], title,
            _ =>
            {
                conversation.Title = title;
                return Task.CompletedTask;
            },
            events, clock, cancellationToken);
        return (change, events);
    }
}
