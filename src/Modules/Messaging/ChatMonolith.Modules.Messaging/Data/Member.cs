namespace ChatMonolith.Modules.Messaging.Data;

internal sealed class Member
{
    public Guid ConversationId { get; init; }

    public Guid UserId { get; init; }

    public MemberRole Role { get; set; }

    /// <summary>The first seq the member may read: the event that added them.</summary>
    public long JoinedSeq { get; set; }

    /// <summary>The last seq a removed member may read (the event that removed them); null while a member.</summary>
    public long? RemovedSeq { get; set; }

    /// <summary>
    /// The group's title when the member was removed or left: what they keep seeing, not what it was renamed to after
    /// (null while a member).
    /// </summary>
    public string? TitleWhenRemoved { get; set; }

    /// <summary>
    /// The highest seq the member has read: it moves when they send (sending implies having read what came before)
    /// and when they mark a conversation read. Receipts keeps the delivered and read watermarks that others see;
    /// this copy is Messaging's, for unread counts. Unread = the last seq they may read − this.
    /// </summary>
    public long ReadSeq { get; set; }

    public bool IsActive => RemovedSeq is null;

    public long UnreadCount(long lastSeq) => Math.Max(0, VisibleUpTo(lastSeq) - ReadSeq);

    /// <summary>The last seq this member may read, given the conversation's newest.</summary>
    public long VisibleUpTo(long lastSeq) => RemovedSeq ?? lastSeq;
}
