namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>A user's list of conversations, distributed by user, so "my conversations" is one shard's lookup.</summary>
internal sealed class UserConversation
{
    public Guid UserId { get; init; }

    public Guid ConversationId { get; init; }

    public DateTimeOffset AddedAt { get; init; }
}
