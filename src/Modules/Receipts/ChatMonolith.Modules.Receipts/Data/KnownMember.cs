namespace ChatMonolith.Modules.Receipts.Data;

/// <summary>
/// What Receipts knows of a conversation's member, kept from Messaging's events (MemberAdded, MemberRemoved,
/// MessagesStored): their window of the conversation and the seq of their last message, so that a moved watermark is
/// told to the members whose messages it may have passed without asking Messaging (docs/adr/0016).
/// </summary>
internal sealed class KnownMember
{
    public Guid ConversationId { get; init; }

    public Guid UserId { get; init; }

    public bool IsGroup { get; init; }

    public long JoinedSeq { get; init; }

    public long? RemovedSeq { get; init; }

    public long LastSentSeq { get; init; }
}
