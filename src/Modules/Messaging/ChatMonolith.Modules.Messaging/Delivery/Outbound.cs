using ChatMonolith.Protos.Messaging.V1;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// What waits in a device's queue: an <see cref="Event"/>, and when it carries a conversation entry, the entry's
/// <see cref="Entry"/> position (delivered in seq order); without one the event is for this device alone. No event at
/// all asks the writer to catch up from the log (<see cref="CatchUpAgain"/>). <see cref="QueuedAt"/> is when an entry
/// was queued (<see cref="System.Diagnostics.Stopwatch"/> ticks), for its delivery latency.
/// </summary>
internal readonly record struct Outbound(EntryPosition? Entry, ServerEvent? Event, long QueuedAt)
{
    /// <summary>Publishes may have been lost (the routing's subscription was away): read what the log has past each position.</summary>
    public static Outbound CatchUpAgain => new(null, null, 0);
}

/// <summary>Where an entry stands in its conversation's log.</summary>
internal readonly record struct EntryPosition(Guid ConversationId, long Seq);
