using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

public sealed record AddMembers(Caller Caller, Guid ConversationId, IReadOnlyList<Guid> UserIds);

public static class AddMembersHandler
{
    public static async Task<(ConversationChange, OutgoingMessages)> Handle(
        AddMembers command, MessagingDbContext db, IMessageBus bus, GroupLimits limits, TimeProvider clock, CancellationToken cancellationToken)
    {
        new Validator().Require(command.UserIds.Count > 0, "user_ids", "must name at least one user").ThrowIfInvalid();
        await Membership.RequireGroupAdminAsync(db, command.ConversationId, command.Caller.UserId, cancellationToken);

        var requested = command.UserIds.Distinct().ToList();
        var existing = await db.Members.Where(m => m.ConversationId == command.ConversationId && requested.Contains(m.UserId))
            .ToDictionaryAsync(m => m.UserId, cancellationToken);
        var joining = requested.Where(id => !existing.TryGetValue(id, out var m) || !m.IsActive).ToArray();
        if (joining.Length == 0)
        {
            throw ChatException.AlreadyExists("ALREADY_MEMBERS", "Every one of these users is a member already.");
        }

        var activeCount = await db.Members.CountAsync(m => m.ConversationId == command.ConversationId && m.RemovedSeq == null, cancellationToken);
        if (activeCount + joining.Length > limits.MaxGroupSize)
        {
            throw ChatException.FailedPrecondition("GROUP_FULL", $"A group has at most {limits.MaxGroupSize} members.");
        }

        await UserDirectory.RequireExistAsync(bus, joining, cancellationToken);
        var events = new OutgoingMessages();
        var change = await GroupChange.CommitAsync(db, command.ConversationId, command.Caller.UserId, SystemEventKind.MembersAdded, joining, null,
            seq =>
            {
                foreach (var userId in joining)
                {
                    Join(db, existing.GetValueOrDefault(userId), command.ConversationId, userId, seq, clock.GetUtcNow());
                    events.Add(new MemberAdded(command.ConversationId, userId, seq, IsGroup: true));
                }

                return Task.CompletedTask;
            },
            events, clock, cancellationToken);
        return (change, events);
    }

    private static void Join(MessagingDbContext db, Member? former, Guid conversationId, Guid userId, long seq, DateTimeOffset now)
    {
        if (former is null)
        {
            db.Members.Add(new Member { ConversationId = conversationId, UserId = userId, Role = MemberRole.Member, JoinedSeq = seq, ReadSeq = seq - 1 });
            db.UserConversations.Add(new UserConversation { UserId = userId, ConversationId = conversationId, AddedAt = now });
            return;
        }

        // Back after leaving: a new membership that reads from its own start.
        former.Role = MemberRole.Member;
        former.JoinedSeq = seq;
        former.ReadSeq = seq - 1;
        former.RemovedSeq = null;
        former.TitleWhenRemoved = null;
    }
}
