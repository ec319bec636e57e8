using ChatMonolith.BuildingBlocks.Grpc;
using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using ChatMonolith.Modules.Messaging.Contracts.Queries;
using ChatMonolith.Modules.Receipts.Data;
using ChatMonolith.Protos.Receipts.V1;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>
/// Tells devices of moved watermarks. A move reaches the member's own devices (their read clears unread counts
/// everywhere) and the senders of the messages it passed, who see their ticks change: in a direct chat the other
/// member; in a group the senders of the range, asked of Messaging in one round trip (<see cref="FindSenders"/>), so a
/// group costs O(senders) events per move, not O(members²). In direct chats, reads are shared only when both members
/// allow it. The members come from Receipts' own read model.
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

        var relevant = moved.Where(m => conversations.ContainsKey(m.ConversationId)).ToList();
        var groupSenders = await GroupSendersAsync(relevant, conversations, cancellationToken);
        foreach (var move in relevant)
        {
            var conversation = conversations[move.ConversationId];
            var ticks = ticksByConversation[move.ConversationId];
            var recipients = conversation.IsGroup
                ? groupSenders[move].Append(move.UserId).Distinct().Where(r => conversation.Active.Any(m => m.UserId == r))
                : conversation.Active.Select(m => m.UserId);
            foreach (var delivery in recipients
                .Select(r => (Recipient: r, Update: UpdateFor(move, r, conversation, ticks, privacy)))
                .Where(p => p.Update is not null)
                .GroupBy(p => p.Update!, p => p.Recipient))
            {
                await bus.InvokeAsync(DeliverToDevices.ToUsers(delivery, delivery.Key), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Per group move, who sent a message in the range it passed (after its member's join: they never had earlier
    /// ones). The one call into Messaging a receipt window still makes: who sent what is Messaging's log (docs/adr/0016).
    /// </summary>
    private async Task<Dictionary<MovedWatermark, IReadOnlyList<Guid>>> GroupSendersAsync(
        List<MovedWatermark> moves, Dictionary<Guid, KnownConversation> conversations, CancellationToken cancellationToken)
    {
        var groupMoves = moves.Where(m => conversations[m.ConversationId].IsGroup).ToList();
        if (groupMoves.Count == 0)
        {
            return [];
        }

        var ranges = groupMoves.Select(m =>
        {
            var joined = conversations[m.ConversationId].Members.FirstOrDefault(x => x.UserId == m.UserId)?.JoinedSeq ?? 0;
            return new SeqRange(m.ConversationId, Math.Max(m.ReadBefore, joined - 1), m.DeliveredSeq);
        }).ToList();
        var senders = (await bus.InvokeAsync<RangeSenders>(new FindSenders(ranges), cancellationToken)).SendersByRange;
        return groupMoves.Select((m, i) => (m, senders[i])).ToDictionary(p => p.m, p => p.Item2);
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
            DeliveredAt = ProtoTime.From(move.DeliveredAt),
            ReadSeq = readShown ? move.ReadSeq : 0,
            ReadAt = readShown ? ProtoTime.From(move.ReadAt) : null,
            DeliveredToAllSeq = ticks.DeliveredToAllBut(recipient),
            ReadByAllSeq = readsShared ? ticks.ReadByAllBut(recipient) : 0,
        };
    }
}
