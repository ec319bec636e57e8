using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using ChatMonolith.Modules.Receipts.Data;
using ChatMonolith.Protos.Receipts.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>
/// Tells devices of moved watermarks. A move reaches the member's own devices (their read clears unread counts
/// everywhere) and the members who sent a message after the member's previous read position, whose ticks may change;
/// nobody else, so a group costs O(senders) events per move, not O(members²). In direct chats, reads are shared only
/// when both members allow it. What it needs of the conversations comes from Receipts' own read model.
/// </summary>
internal sealed class ReceiptFanOut(IMessageBus bus, ReceiptsDbContext db)
{
    public async Task PublishAsync(IReadOnlyList<MovedWatermark> moved, CancellationToken cancellationToken)
    {
        if (moved.Count == 0)
        {
            return;
        }

        var conversations = await KnownConversations.LoadAsync(db, bus, [.. moved.Select(m => (m.ConversationId, m.UserId))], cancellationToken);
        var conversationIds = conversations.Keys.ToList();
        var watermarks = (await db.Watermarks.AsNoTracking()
                .Where(w => conversationIds.Contains(w.ConversationId))
                .Select(w => new { w.ConversationId, w.UserId, w.DeliveredSeq, w.ReadSeq })
                .ToListAsync(cancellationToken))
            .GroupBy(w => w.ConversationId)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<Guid, (long, long)>)g.ToDictionary(w => w.UserId, w => (w.DeliveredSeq, w.ReadSeq)));
        var privacy = await ReadPrivacy.LoadAsync(db, conversations.Values.Select(c => (c.IsGroup, c.Members.Select(m => m.UserId))), cancellationToken);
        var ticksByConversation = conversations.Values.ToDictionary(c => c.ConversationId,
            c => new Ticks(c, watermarks.GetValueOrDefault(c.ConversationId) ?? new Dictionary<Guid, (long, long)>()));

        foreach (var move in moved.Where(m => conversations.ContainsKey(m.ConversationId)))
        {
            var conversation = conversations[move.ConversationId];
            var ticks = ticksByConversation[move.ConversationId];
            foreach (var delivery in RecipientsOf(move, conversation)
                .Select(r => (Recipient: r, Update: UpdateFor(move, r, conversation, ticks, privacy)))
                .Where(p => p.Update is not null)
                .GroupBy(p => p.Update!, p => p.Recipient))
            {
                await bus.InvokeAsync(DeliverToDevices.ToUsers(delivery, delivery.Key), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The mover and, in a direct chat, the other member; in a group, every active member whose last message is past
    /// where the move started (after the mover's join: they never had earlier ones), so it may be among what the move
    /// passed.
    /// </summary>
    private static IEnumerable<Guid> RecipientsOf(MovedWatermark move, KnownConversation conversation)
    {
        var active = conversation.Active.ToList();
        if (!conversation.IsGroup)
        {
            return active.Select(m => m.UserId);
        }

        var joined = active.FirstOrDefault(m => m.UserId == move.UserId)?.JoinedSeq ?? 0;
        var from = Math.Max(move.ReadBefore, joined - 1);
        return active.Where(m => m.UserId == move.UserId || m.LastSentSeq > from).Select(m => m.UserId);
    }

    private static ReceiptUpdate? UpdateFor(MovedWatermark move, Guid recipient, KnownConversation conversation, Ticks ticks, ReadPrivacy privacy)
    {
        var ownMove = recipient == move.UserId;
        var readsShared = privacy.ReadsShared(conversation.IsGroup, conversation.Members.Select(m => m.UserId));
        var readShown = ownMove || readsShared;
        if (!readShown && !move.DeliveredMoved)
        {
            return null; // only a read moved, and the recipient may not see it
        }

        return new ReceiptUpdate
        {
            ConversationId = move.ConversationId.ToString(),
            UserId = move.UserId.ToString(),
            DeliveredSeq = move.DeliveredSeq,
            DeliveredAt = Time(move.DeliveredAt),
            ReadSeq = readShown ? move.ReadSeq : 0,
            ReadAt = readShown ? Time(move.ReadAt) : null,
            DeliveredToAllSeq = ticks.DeliveredToAllBut(recipient),
            ReadByAllSeq = readsShared ? ticks.ReadByAllBut(recipient) : 0,
        };
    }

    private static Timestamp? Time(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;
}
