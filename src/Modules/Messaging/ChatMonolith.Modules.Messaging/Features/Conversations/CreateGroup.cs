using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Messaging.Delivery;
using Microsoft.Extensions.Options;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

public sealed record CreateGroup(Caller Caller, string Title, IReadOnlyList<Guid> MemberIds);

public static class CreateGroupHandler
{
    public static async Task<(ConversationChange, OutgoingMessages)> Handle(
        CreateGroup command, MessagingDbContext db, IMessageBus bus, GroupLimits limits, TimeProvider clock, CancellationToken cancellationToken)
    {
        var validator = new Validator();
        var title = validator.Name(command.Title, "title", Conversation.MaxTitleLength);
        var others = command.MemberIds.Where(id => id != command.Caller.UserId).Distinct().ToList();
        validator
            .Require(others.Count + 1 <= limits.MaxGroupSize, "member_ids", $"a group has at most {limits.MaxGroupSize} members")
            .ThrowIfInvalid();
        await UserDirectory.RequireExistAsync(bus, others, cancellationToken);

        var events = new OutgoingMessages();
        var now = clock.GetUtcNow();
        var (conversation, creator, created) = ConversationFactory.Create(
            db, Guid.CreateVersion7(now), ConversationKind.Group, title, command.Caller.UserId, others, now, events);
        await db.SaveChangesAsync(cancellationToken);

        var view = await ConversationReader.ReadAsync(db, conversation, creator, cancellationToken);
        events.Add(DeliverEntries.Change([command.Caller.UserId, .. others], created.ToView(), view));
        return (new ConversationChange(view, 1), events);
    }
}

/// <summary>The group size limit, for handlers.</summary>
public sealed class GroupLimits
{
    internal GroupLimits(IOptions<MessagingOptions> options) => MaxGroupSize = options.Value.MaxGroupSize;

    internal int MaxGroupSize { get; }
}
