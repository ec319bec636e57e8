using System.Security.Cryptography;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Messaging.Delivery;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

public sealed record OpenDirectChat(Caller Caller, Guid OtherUserId);

public static class OpenDirectChatHandler
{
    public static async Task<(ConversationChange, OutgoingMessages)> Handle(
        OpenDirectChat command, MessagingDbContext db, IMessageBus bus, TimeProvider clock, CancellationToken cancellationToken)
    {
        var me = command.Caller.UserId;
        if (command.OtherUserId == me)
        {
            throw ChatException.InvalidArgument([new FieldViolation("user_id", "must be another user than the caller")]);
        }

        var events = new OutgoingMessages();
        var conversationId = DirectChatId(me, command.OtherUserId);
        var existing = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.ConversationId == conversationId, cancellationToken);
        if (existing is not null)
        {
            var member = await db.Members.AsNoTracking().SingleAsync(m => m.ConversationId == conversationId && m.UserId == me, cancellationToken);
            return (new ConversationChange(await ConversationReader.ReadAsync(db, existing, member, cancellationToken), existing.LastSeq), events);
        }

        await UserDirectory.RequireExistAsync(bus, [command.OtherUserId], cancellationToken);
        var now = clock.GetUtcNow();
        var (conversation, creator, created) = ConversationFactory.Create(
            db, conversationId, ConversationKind.Direct, "", me, [command.OtherUserId], now, events);
        await db.SaveChangesAsync(cancellationToken);

        var view = await ConversationReader.ReadAsync(db, conversation, creator, cancellationToken);
        events.Add(DeliverEntries.Change([me, command.OtherUserId], created.ToView(), view));
        return (new ConversationChange(view, 1), events);
    }

    /// <summary>The same id for a pair in either order, so opening a direct chat twice, even at once, finds one conversation.</summary>
    internal static Guid DirectChatId(Guid a, Guid b)
    {
        var (low, high) = a.CompareTo(b) < 0 ? (a, b) : (b, a);
        Span<byte> pair = stackalloc byte[32];
        low.TryWriteBytes(pair[..16], bigEndian: true, out _);
        high.TryWriteBytes(pair[16..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(pair, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // RFC 9562 version 8: a name-based id of our own
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
