namespace ChatMonolith.Modules.Messaging.Data;

internal sealed class Conversation
{
    public Guid ConversationId { get; init; }

    /// <summary>A group's title is at most this many characters as a reader counts them (text elements).</summary>
    public const int MaxTitleLength = 128;

    public ConversationKind Kind { get; init; }

    public string Title { get; set; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The seq of the newest entry; the next one gets <c>LastSeq + 1</c>, assigned under this row's lock.</summary>
    public long LastSeq { get; set; }

    public DateTimeOffset LastActivityAt { get; set; }
}
