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

    /// <summary>The highest seq any of the member's devices acknowledged receiving.</summary>
    public long DeliveredSeq { get; set; }

    public bool IsActive => RemovedSeq is null;

    /// <summary>The last seq this member may read, given the conversation's newest.</summary>
    public long VisibleUpTo(long lastSeq) => RemovedSeq ?? lastSeq;
}
