using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

public sealed record LeaveGroup(Caller Caller, Guid ConversationId);

public static class LeaveGroupHandler
{
    public static async Task<(ConversationChange, OutgoingMessages)> Handle(
        LeaveGroup command, MessagingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (conversation, member) = await Membership.RequireActiveAsync(db, command.ConversationId, command.Caller.UserId, cancellationToken);
        if (conversation.Kind != ConversationKind.Group)
        {
            throw ChatException.FailedPrecondition("NOT_A_GROUP", "A direct chat cannot be left.");
        }

        // The last admin may leave only when someone else can take over; WhatsApp-style, the longest member does.
        Member? successor = null;
        if (member.Role == MemberRole.Admin
            && !await db.Members.AnyAsync(m => m.ConversationId == command.ConversationId && m.RemovedSeq == null && m.Role == MemberRole.Admin && m.UserId != member.UserId, cancellationToken))
        {
            successor = await db.Members
                .Where(m => m.ConversationId == command.ConversationId && m.RemovedSeq == null && m.UserId != member.UserId)
                .OrderBy(m => m.JoinedSeq).ThenBy(m => m.UserId)
                .FirstOrDefaultAsync(cancellationToken);
        }

        var events = new OutgoingMessages();
        if (successor is not null)
        {
            successor.Role = MemberRole.Admin;
        }

        var change = await GroupChange.CommitAsync(db, command.ConversationId, command.Caller.UserId, SystemEventKind.MemberLeft,
            successor is null ? [member.UserId] : [member.UserId, successor.UserId], null,
            async seq =>
            {
                member.RemovedSeq = seq;
                member.TitleWhenRemoved = await Membership.TitleAsync(db, command.ConversationId, cancellationToken);
                events.Add(new MemberRemoved(command.ConversationId, member.UserId, seq));
            },
            events, clock, cancellationToken, alsoNotify: member.UserId);
        return (change, events);
    }
}
