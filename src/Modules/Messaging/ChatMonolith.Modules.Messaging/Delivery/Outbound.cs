using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Protos.Messaging.V1;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// What waits in a device's queue: an <see cref="Event"/>, and when it carries a conversation entry, the
/// <see cref="Entry"/> (delivered in seq order); without one the event is for this device alone.
/// <see cref="QueuedAt"/> is when an entry was queued (<see cref="System.Diagnostics.Stopwatch"/> ticks), for its delivery latency.
/// </summary>
internal readonly record struct Outbound(MessageView? Entry, ServerEvent Event, long QueuedAt);
