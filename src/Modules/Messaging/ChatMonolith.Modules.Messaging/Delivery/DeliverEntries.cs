using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Modules.Messaging.Features.Conversations;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// Request to the delivery seam, <see cref="DeliveryRouter"/>: put committed conversation entries on their
/// recipients' open streams. A conversation handler (a group change, from a gRPC call, another handler or a job)
/// cascades it, and Wolverine's outbox hands it on only once the handler's transaction has committed, through an
/// in-memory, sequential local queue (<see cref="MessagingModule"/>). The send group commit, which runs its own
/// transaction outside any handler, hands its batch's to the router itself right after its commit: the queue's hop
/// cost a send 0.8 ms at the median and the <c>ticks</c> scenario a fifth of its rounds (BENCHMARKS.md). Nothing
/// is lost that the log does not keep: a stream that misses an entry reads it from the log when the next one
/// arrives, or on reconnect.
/// </summary>
public sealed record DeliverEntries(IReadOnlyList<EntryDelivery> Entries)
{
    /// <summary>The one entry of a conversation change, with the conversation's new shared state.</summary>
    public static DeliverEntries Change(IReadOnlyList<Guid> recipientIds, MessageView entry, ConversationView changed) =>
        new([new EntryDelivery(recipientIds, entry, changed)]);
}

/// <summary>
/// A stored entry and the users whose devices get it; <see cref="Changed"/> is set when the entry changed the
/// conversation itself (members, title, roles), and its recipients then also get the new state.
/// </summary>
public sealed record EntryDelivery(IReadOnlyList<Guid> RecipientIds, MessageView Entry, ConversationView? Changed = null);
