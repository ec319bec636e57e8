namespace ChatMonolith.Modules.Messaging.Features;

/// <summary>One entry of a conversation as the slices return it; <see cref="SystemKind"/> is set for system events.</summary>
public sealed record MessageView(
    Guid ConversationId,
    long Seq,
    Guid MessageId,
    Guid? SenderId,
    Guid? ClientMsgId,
    DateTimeOffset SentAt,
    string? Text,
    int? SystemKind,
    IReadOnlyList<Guid> SystemUserIds,
    string? SystemTitle);
