namespace ChatMonolith.Modules.Presence.Data;

/// <summary>
/// What Presence knows of a conversation's member, kept from Messaging's events (MemberAdded, MemberRemoved): who may
/// watch whom, and who hears whose typing, without asking Messaging (docs/adr/0016).
/// </summary>
internal sealed class KnownMember
{
    public Guid ConversationId { get; init; }

    public Guid UserId { get; init; }

    public long JoinedSeq { get; init; }

    public long? RemovedSeq { get; init; }
}
