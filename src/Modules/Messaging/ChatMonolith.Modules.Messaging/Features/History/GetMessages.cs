using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Messaging.Features.History;

/// <param name="Before">True: older than <paramref name="AnchorSeq"/>, newest first. False: newer, oldest first.</param>
public sealed record GetMessages(Caller Caller, Guid ConversationId, bool Before, long AnchorSeq, int PageSize);

public sealed record MessagePage(IReadOnlyList<MessageView> Messages, bool HasMore, long NextAnchorSeq);

/// <summary>Reads only: no transaction, no outbox.</summary>
[NonTransactional]
public static class GetMessagesHandler
{
    public const int MaxPageSize = 100;

    public static async Task<MessagePage> Handle(GetMessages query, MessagingDbContext db, CancellationToken cancellationToken)
    {
        new Validator()
            .Require(query.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be 1 to {MaxPageSize}")
            .Require(query.AnchorSeq >= 0, "anchor_seq", "must not be negative")
            .ThrowIfInvalid();
        var pageSize = query.PageSize == 0 ? 50 : query.PageSize;
        var (conversation, member) = await Membership.RequireReaderAsync(db, query.ConversationId, query.Caller.UserId, cancellationToken);

        // A member reads from the entry that added them; a removed member up to the entry that removed them.
        var first = member.JoinedSeq;
        var last = member.VisibleUpTo(conversation.LastSeq);
        var messages = db.Messages.AsNoTracking().Where(m => m.ConversationId == query.ConversationId && m.Seq >= first && m.Seq <= last);
        var page = query.Before
            ? await messages.Where(m => query.AnchorSeq == 0 || m.Seq < query.AnchorSeq).OrderByDescending(m => m.Seq).Take(pageSize + 1).ToListAsync(cancellationToken)
            : await messages.Where(m => m.Seq > query.AnchorSeq).OrderBy(m => m.Seq).Take(pageSize + 1).ToListAsync(cancellationToken);

        var views = page.Take(pageSize).Select(m => m.ToView()).ToList();
        return new MessagePage(views, page.Count > pageSize, views.Count > 0 ? views[^1].Seq : query.AnchorSeq);
    }
}
