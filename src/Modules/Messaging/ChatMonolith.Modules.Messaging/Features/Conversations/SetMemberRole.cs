using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

/// <summary>Promote (<paramref name="MakeAdmin"/>) or demote a member.</summary>
public sealed record SetMemberRole(Caller Caller, Guid ConversationId, Guid UserId, bool MakeAdmin);

public static class SetMemberRoleHandler
{
    public static async Task<(ConversationChange, OutgoingMessages)> Handle(
        SetMemberRole command, MessagingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await Membership.RequireGroupAdminAsync(db, command.ConversationId, command.Caller.UserId, cancellationToken);
        var target = await db.Members.SingleOrDefaultAsync(m => m.ConversationId == command.ConversationId && m.UserId == command.UserId && m.RemovedSeq == null, cancellationToken)
            ?? throw ChatException.NotFound("MEMBER_NOT_FOUND", "That user is not a member of this group.");
        var role = command.MakeAdmin ? MemberRole.Admin : MemberRole.Member;
        if (target.Role == role)
        {
            throw ChatException.FailedPrecondition("ROLE_UNCHANGED", "The member has that role already.");
        }

        if (!command.MakeAdmin
            && !await db.Members.AnyAsync(m => m.ConversationId == command.ConversationId && m.RemovedSeq == null && m.Role == MemberRole.Admin && m.UserId != target.UserId, cancellationToken))
        {
            throw ChatException.FailedPrecondition("LAST_ADMIN", "A group keeps at least one admin.");
        }

        var kind = command.MakeAdmin ? SystemEventKind.MemberPromoted : SystemEventKind.MemberDemoted;
        var events = new OutgoingMessages();
        var change = await GroupChange.CommitAsync(db, command.ConversationId, command.Caller.UserId, kind, [target.UserId], null,
            _ =>
            {
                target.Role = role;
                return Task.CompletedTask;
            },
            events, clock, cancellationToken);
        return (change, events);
    }
}
