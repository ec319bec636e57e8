namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>Integration event: a user's message was stored at <paramref name="Seq"/>, for these recipients (every active member but the sender).</summary>
public sealed record MessageStored(
    Guid ConversationId, long Seq, Guid MessageId, Guid SenderId, IReadOnlyList<Guid> RecipientIds, string Preview, DateTimeOffset SentAt);
