using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

public sealed record RemoveMember(Caller Caller, Guid ConversationId, Guid UserId);

public static class RemoveMemberHandler
{
    public static async Task<(ConversationChange, OutgoingMessages)> Handle(
        RemoveMember command, MessagingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (command.UserId == command.Caller.UserId)
        {
            throw ChatException.InvalidArgument([new FieldViolation("user_id", "use LeaveGroup to leave a group yourself")]);
        }

        await Membership.RequireGroupAdminAsync(db, command.ConversationId, command.Caller.UserId, cancellationToken);
        var target = await db.Members.SingleOrDefaultAsync(m => m.ConversationId == command.ConversationId && m.UserId == command.UserId && m.RemovedSeq == null, cancellationToken)
            ?? throw ChatException.NotFound("MEMBER_NOT_FOUND", "That user is not a member of this group.");

        var events = new OutgoingMessages();
        var change = await GroupChange.CommitAsync(db, command.ConversationId, command.Caller.UserId, SystemEventKind.MemberRemoved, [command.UserId], null,
            async seq =>
            {
                target.RemovedSeq = seq;
                target.TitleWhenRemoved = await Membership.TitleAsync(db, command.ConversationId, cancellationToken);
                events.Add(new MemberRemoved(command.ConversationId, command.UserId, seq));
            },
            events, clock, cancellationToken, alsoNotify: command.UserId);
        return (change, events);
    }
}
