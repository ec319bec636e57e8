using ChatMonolith.Modules.Messaging.Contracts.Stream;
using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>
/// Tells devices of moved watermarks. A move reaches the member's own devices (their read clears unread counts
/// everywhere) and the senders of the messages it passed, who see their ticks change; nobody else, so a group costs
/// O(members) events per window, not O(members²). In direct chats, reads are shared only when both members allow it.
/// </summary>
internal sealed class ReceiptFanOut(IMessageBus bus, ReceiptsDbContext db)
{
    public async Task PublishAsync(IReadOnlyList<MovedWatermark> moved, CancellationToken cancellationToken)
    {
        if (moved.Count == 0)
        {
            return;
        }

        var conversationIds = moved.Select(m => m.ConversationId).Distinct().ToList();
        var conversations = (await bus.InvokeAsync<ConversationMembersList>(new GetConversationMembers(conversationIds), cancellationToken))
            .Conversations.ToDictionary(c => c.ConversationId);
        var watermarks = (await db.Watermarks.AsNoTracking()
                .Where(w => conversationIds.Contains(w.ConversationId))
                .Select(w => new { w.ConversationId, w.UserId, w.DeliveredSeq, w.ReadSeq })
                .ToListAsync(cancellationToken))
            .GroupBy(w => w.ConversationId)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<Guid, (long, long)>)g.ToDictionary(w => w.UserId, w => (w.DeliveredSeq, w.ReadSeq)));
        var privacy = await ReadPrivacy.LoadAsync(db, conversations.Values.Select(c => (c.IsGroup, c.Members.AsEnumerable())), cancellationToken);

        var relevant = moved.Where(m => conversations.ContainsKey(m.ConversationId)).ToList();
        var senders = await SendersAsync(relevant, conversations, cancellationToken);
        var ticksByConversation = conversations.Values.ToDictionary(c => c.ConversationId,
            c => new Ticks(c, watermarks.GetValueOrDefault(c.ConversationId) ?? new Dictionary<Guid, (long, long)>()));
        for (var i = 0; i < relevant.Count; i++)
        {
            var move = relevant[i];
            var conversation = conversations[move.ConversationId];
            var ticks = ticksByConversation[move.ConversationId];
            var recipients = senders[i].Append(move.UserId).Distinct()
                .Where(r => conversation.Active.Any(m => m.UserId == r));
            foreach (var push in recipients
                .Select(r => (Recipient: r, Update: UpdateFor(move, r, conversation, ticks, privacy)))
                .Where(p => p.Update is not null)
                .GroupBy(p => p.Update!, p => p.Recipient))
            {
                await bus.InvokeAsync(PushToDevices.ToUsers(push, push.Key), cancellationToken);
            }
        }
    }

    private static ReceiptChanged? UpdateFor(MovedWatermark move, Guid recipient, ConversationMembers conversation, Ticks ticks, ReadPrivacy privacy)
    {
        var ownMove = recipient == move.UserId;
        var readsShared = privacy.ReadsShared(conversation.IsGroup, conversation.Members);
        var readShown = ownMove || readsShared;
        if (!readShown && !move.DeliveredMoved)
        {
            return null; // only a read moved, and the recipient may not see it
        }

        return new ReceiptChanged(
            move.ConversationId,
            move.UserId,
            move.DeliveredSeq,
            move.DeliveredAt,
            readShown ? move.ReadSeq : 0,
            readShown ? move.ReadAt : null,
            ticks.DeliveredToAllBut(recipient),
            readsShared ? ticks.ReadByAllBut(recipient) : 0);
    }

    /// <summary>Per move, who sent a message in the range it passed (after its member's join: they never had earlier ones).</summary>
    private async Task<IReadOnlyList<IReadOnlyList<Guid>>> SendersAsync(
        List<MovedWatermark> moves, Dictionary<Guid, ConversationMembers> conversations, CancellationToken cancellationToken)
    {
        var ranges = moves.Select(m =>
        {
            var joined = conversations[m.ConversationId].Members.FirstOrDefault(x => x.UserId == m.UserId)?.JoinedSeq ?? 0;
            return new SeqRange(m.ConversationId, Math.Max(m.ReadBefore, joined - 1), m.DeliveredSeq);
        }).ToList();
        return (await bus.InvokeAsync<RangeSenders>(new FindSenders(ranges), cancellationToken)).SendersByRange;
    }
}
