using ChatMonolith.Modules.Messaging.Contracts.Delivery;

namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>
/// Integration event: the messages of one <see cref="MessagesStored"/>, once they were put on the recipients' live
/// streams. <paramref name="LiveDevices"/> are the recipients' devices that held a live stream then, on any host: they
/// got the messages in real time, and every other device of a recipient did not (Notifications pushes to those).
/// <paramref name="Unread"/> is each recipient's unread count, after these messages, in these messages' conversations,
/// so that a push can show the conversation's count (the user's total is a <see cref="CountUnreadTotals"/> away: it
/// reads every conversation of the user, so it is counted only for what is about to be pushed).
/// <paramref name="GroupTitles"/> names the groups among the messages' conversations (a direct chat has no title).
/// Published through the outbox of the handler that read <see cref="MessagesStored"/>, so it is as durable as the
/// messages; it may come twice, and a later event for the same conversation has higher seqs.
/// </summary>
public sealed record MessagesRouted(
    IReadOnlyList<MessageStored> Messages,
    IReadOnlyList<DeviceTarget> LiveDevices,
    IReadOnlyList<ConversationUnread> Unread,
    IReadOnlyList<GroupTitle> GroupTitles);

/// <summary>A user's unread count in one conversation: the last seq they may read, less the last they read.</summary>
public sealed record ConversationUnread(Guid UserId, Guid ConversationId, long Count);

/// <summary>A group's title.</summary>
public sealed record GroupTitle(Guid ConversationId, string Title);
