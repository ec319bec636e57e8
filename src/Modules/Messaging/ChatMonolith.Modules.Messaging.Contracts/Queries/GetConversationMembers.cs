namespace ChatMonolith.Modules.Messaging.Contracts.Queries;

/// <summary>Query: the members, current and past, of each of these conversations. Unknown ids are left out of the answer.</summary>
public sealed record GetConversationMembers(IReadOnlyList<Guid> ConversationIds);

/// <summary>The answer to <see cref="GetConversationMembers"/>.</summary>
public sealed record ConversationMembersList(IReadOnlyList<ConversationMembers> Conversations);

/// <summary>A conversation's members and its newest seq.</summary>
public sealed record ConversationMembers(Guid ConversationId, bool IsGroup, long LastSeq, IReadOnlyList<ConversationMember> Members)
{
    /// <summary>The members who are still in the conversation.</summary>
    public IEnumerable<ConversationMember> Active => Members.Where(m => m.RemovedSeq is null);
}

/// <summary>A member may read from <paramref name="JoinedSeq"/> to <paramref name="RemovedSeq"/> (the end, while null).</summary>
public sealed record ConversationMember(Guid UserId, long JoinedSeq, long? RemovedSeq);
