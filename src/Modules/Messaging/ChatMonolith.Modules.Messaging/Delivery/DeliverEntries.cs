using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Modules.Messaging.Features.Conversations;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// Request to the delivery seam: put committed conversation entries on their recipients' open streams. Whatever
/// appends to a conversation (a send batch, a group change, from a gRPC call, a handler or a job) publishes this in
/// its own transaction, and Wolverine's outbox hands it on only once that transaction has committed. It goes to an
/// in-memory, sequential local queue (<see cref="MessagingModule"/>): nothing is lost that the log does not keep,
/// because a stream that misses an entry reads it from the log when the next one arrives, or on reconnect.
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
