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
        var title = command.Title.Trim();
        new Validator().Require(title.Length is >= 1 and <= 128, "title", "must be 1 to 128 characters").ThrowIfInvalid();
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
