using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.RateLimits;
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
        await limits.TakeCreationAsync(command.Caller.UserId);

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

/// <summary>The limits on groups, for handlers: their size, and how many groups one user may create per hour (across hosts).</summary>
public sealed class GroupLimits
{
    private readonly RateLimiter _limiter;
    private readonly RateLimit _creations;

    internal GroupLimits(IOptions<MessagingOptions> options, RateLimiter limiter)
    {
        MaxGroupSize = options.Value.MaxGroupSize;
        _limiter = limiter;
        _creations = new RateLimit("group-creations", options.Value.GroupCreationsPerUser, options.Value.GroupCreationWindow);
    }

    internal int MaxGroupSize { get; }

    /// <summary>Takes one of the user's group creations, or refuses it with when to retry.</summary>
    internal ValueTask TakeCreationAsync(Guid userId) =>
        _limiter.TakeOrRefuseAsync(_creations, userId.ToString("N"), "GROUP_CREATION_RATE_LIMITED",
            $"At most {_creations.Permits} new groups per {_creations.Window.TotalMinutes:0} minutes");
}
