namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>A user's message stored at <paramref name="Seq"/>, for these recipients (every active member but the sender); published in <see cref="MessagesStored"/>.</summary>
public sealed record MessageStored(
    Guid ConversationId, long Seq, Guid MessageId, Guid SenderId, IReadOnlyList<Guid> RecipientIds, string Preview, DateTimeOffset SentAt);
