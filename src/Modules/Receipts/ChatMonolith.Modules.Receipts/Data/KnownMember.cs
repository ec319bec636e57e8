namespace ChatMonolith.Modules.Receipts.Data;

/// <summary>
/// What Receipts knows of a conversation's member, kept from Messaging's events (MemberAdded, MemberRemoved): their
/// window of the conversation, so that a receipt window needs no member list from Messaging (docs/adr/0016).
/// </summary>
internal sealed class KnownMember
{
    public Guid ConversationId { get; init; }

    public Guid UserId { get; init; }

    public bool IsGroup { get; init; }

    public long JoinedSeq { get; init; }

    public long? RemovedSeq { get; init; }
}
