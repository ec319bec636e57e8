namespace ChatMonolith.Modules.Messaging.Features.Conversations;

public sealed record MemberView(Guid UserId, int Role, long JoinedSeq);

/// <summary>A conversation as one member sees it: <see cref="RemovedSeq"/> is set once they are no longer a member.</summary>
public sealed record ConversationView(
    Guid ConversationId,
    int Kind,
    string Title,
    long LastSeq,
    DateTimeOffset LastActivityAt,
    IReadOnlyList<MemberView> Members,
    MessageView? LastMessage,
    long? RemovedSeq,
    long UnreadCount);

/// <summary>
/// The result of a command that changed a conversation: its new state as the caller sees it, and the seq of the
/// system event that recorded the change (its delivery is a <see cref="Delivery.DeliverEntries"/> the handler cascades).
/// </summary>
public sealed record ConversationChange(ConversationView Conversation, long Seq);
