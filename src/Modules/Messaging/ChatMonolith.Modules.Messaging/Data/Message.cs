namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>An entry of a conversation's log: a user's text, or a system event (membership, title, roles).</summary>
internal sealed class Message
{
    public Guid ConversationId { get; init; }

    public long Seq { get; init; }

    public Guid MessageId { get; init; }

    public Guid? SenderId { get; init; }

    public Guid? ClientMsgId { get; init; }

    public DateTimeOffset SentAt { get; init; }

    public string? Text { get; init; }

    public SystemEventKind? SystemKind { get; init; }

    public Guid[]? SystemUserIds { get; init; }

    public string? SystemTitle { get; init; }
}
