namespace ChatMonolith.Modules.Messaging.Contracts.Queries;

/// <summary>
/// Query: who could see the entry at <paramref name="Seq"/>. Fails with NOT_FOUND when there is no such entry and
/// PERMISSION_DENIED when <paramref name="CallerId"/> could not see it either.
/// </summary>
public sealed record GetMessageAudience(Guid ConversationId, long Seq, Guid CallerId);

/// <summary>The answer to <see cref="GetMessageAudience"/>: the entry's sender (none for system entries) and the members who could see it.</summary>
public sealed record MessageAudience(bool IsGroup, Guid? SenderId, IReadOnlyList<ConversationMember> Members);
