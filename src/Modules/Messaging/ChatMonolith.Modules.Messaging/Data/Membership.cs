using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>Who may do what in a conversation.</summary>
internal static class Membership
{
    /// <summary>
    /// The caller's membership, current or past. NOT_FOUND both for no such conversation and for one the caller was
    /// never in, so that a stranger cannot tell which ids exist; PERMISSION_DENIED is for past members only.
    /// </summary>
    public static async Task<(Conversation Conversation, Member Member)> RequireReaderAsync(
        MessagingDbContext db, Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.ConversationId == conversationId, cancellationToken)
            ?? throw ConversationErrors.NotFound();
        var member = await db.Members.SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.UserId == userId, cancellationToken)
            ?? throw ConversationErrors.NotFound();
        return (conversation, member);
    }

    /// <summary>As <see cref="RequireReaderAsync"/>, and the caller must still be a member.</summary>
    public static async Task<(Conversation Conversation, Member Member)> RequireActiveAsync(
        MessagingDbContext db, Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var (conversation, member) = await RequireReaderAsync(db, conversationId, userId, cancellationToken);
        return member.IsActive ? (conversation, member) : throw ConversationErrors.NotAMember();
    }

    /// <summary>As <see cref="RequireActiveAsync"/>, for a group the caller administers.</summary>
    public static async Task<(Conversation Conversation, Member Member)> RequireGroupAdminAsync(
        MessagingDbContext db, Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var (conversation, member) = await RequireActiveAsync(db, conversationId, userId, cancellationToken);
        if (conversation.Kind != ConversationKind.Group)
        {
            throw ChatException.FailedPrecondition("NOT_A_GROUP", "Direct chats have no members to manage.");
        }

        return member.Role == MemberRole.Admin
            ? (conversation, member)
            : throw ChatException.PermissionDenied("NOT_AN_ADMIN", "Only the group's admins may do this.");
    }

    public static Task<List<Guid>> ActiveMemberIdsAsync(MessagingDbContext db, Guid conversationId, CancellationToken cancellationToken) =>
        db.Members.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.RemovedSeq == null)
            .Select(m => m.UserId)
            .ToListAsync(cancellationToken);

    /// <summary>The conversation's title now (inside a change, after its row is locked: as of that change).</summary>
    public static Task<string> TitleAsync(MessagingDbContext db, Guid conversationId, CancellationToken cancellationToken) =>
        db.Conversations.Where(c => c.ConversationId == conversationId).Select(c => c.Title).SingleAsync(cancellationToken);
}
