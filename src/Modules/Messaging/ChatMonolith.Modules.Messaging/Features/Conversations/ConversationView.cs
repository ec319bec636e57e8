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

/// <summary>The result of a command that changed a conversation: the new state and the system event to deliver.</summary>
public sealed record ConversationChange(ConversationView Conversation, long Seq, FanOut? FanOut) : IHasFanOut;
