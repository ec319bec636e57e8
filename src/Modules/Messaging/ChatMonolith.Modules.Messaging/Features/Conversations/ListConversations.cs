using System.Buffers.Binary;
using System.Buffers.Text;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

public sealed record ListConversations(Caller Caller, int PageSize, string Cursor);

public sealed record ConversationPage(IReadOnlyList<ConversationView> Conversations, string NextCursor);

/// <summary>Reads only: no transaction, no outbox.</summary>
[NonTransactional]
public static class ListConversationsHandler
{
    public static async Task<ConversationPage> Handle(ListConversations query, MessagingDbContext db, CancellationToken cancellationToken)
    {
        var after = DecodeCursor(query.Cursor);
        new Validator()
            .Require(query.PageSize is >= 0 and <= 100, "page_size", "must be 1 to 100")
            .Require(after is not null, "cursor", "is not a cursor this server issued")
            .ThrowIfInvalid();
        var pageSize = query.PageSize == 0 ? 20 : query.PageSize;
        var userId = query.Caller.UserId;

        var ids = await db.UserConversations.AsNoTracking().Where(u => u.UserId == userId).Select(u => u.ConversationId).ToListAsync(cancellationToken);
        var memberships = await db.Members.AsNoTracking().Where(m => m.UserId == userId && ids.Contains(m.ConversationId))
            .ToDictionaryAsync(m => m.ConversationId, cancellationToken);
        var ordered = (await db.Conversations.AsNoTracking().Where(c => ids.Contains(c.ConversationId)).ToListAsync(cancellationToken))
            .Select(c => (Conversation: c, Activity: ActivityOf(c, memberships[c.ConversationId])))
            .OrderByDescending(c => c.Activity).ThenByDescending(c => c.Conversation.ConversationId)
            .SkipWhile(c => after!.Value.Ticks != 0 && (c.Activity.UtcTicks, c.Conversation.ConversationId).CompareTo(after.Value) >= 0)
            .Take(pageSize + 1)
            .ToList();

        var page = await ConversationReader.ReadManyAsync(
            db, ordered.Take(pageSize).Select(c => (c.Conversation, memberships[c.Conversation.ConversationId])).ToList(), cancellationToken);

        var next = ordered.Count > pageSize ? EncodeCursor(ordered[pageSize - 1].Activity.UtcTicks, ordered[pageSize - 1].Conversation.ConversationId) : "";
        return new ConversationPage(page, next);
    }

    // A removed member's list does not move with activity they can no longer see.
    private static DateTimeOffset ActivityOf(Conversation conversation, Member member) =>
        member.IsActive ? conversation.LastActivityAt : conversation.CreatedAt;

    private static string EncodeCursor(long ticks, Guid conversationId)
    {
        Span<byte> bytes = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, ticks);
        conversationId.TryWriteBytes(bytes[8..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    private static (long Ticks, Guid ConversationId)? DecodeCursor(string cursor)
    {
        if (cursor.Length == 0)
        {
            return (0, Guid.Empty);
        }

        // Ticks and id, 24 bytes: a cursor of another length, or of characters that are not base64url (on which the
        // decoder throws rather than answering false), is not one this server issued.
        Span<byte> bytes = stackalloc byte[24];
        try
        {
            return cursor.Length == Base64Url.GetEncodedLength(bytes.Length) && Base64Url.TryDecodeFromChars(cursor, bytes, out var written) && written == bytes.Length
                ? (BinaryPrimitives.ReadInt64BigEndian(bytes), new Guid(bytes[8..], bigEndian: true))
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
