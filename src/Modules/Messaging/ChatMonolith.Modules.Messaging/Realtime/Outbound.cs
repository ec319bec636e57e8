using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Protos.Messaging.V1;

namespace ChatMonolith.Modules.Messaging.Realtime;

/// <summary>What waits in a device's queue: a conversation entry (delivered in seq order) or an event for this device alone.</summary>
internal readonly record struct Outbound(MessageView? Entry, ServerEvent? Direct);
