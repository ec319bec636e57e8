namespace ChatMonolith.Modules.Messaging.Contracts.Queries;

/// <summary>Query: which of <paramref name="Candidates"/> are, with <paramref name="UserId"/>, members of at least one conversation.</summary>
public sealed record FindConversationPeers(Guid UserId, IReadOnlyList<Guid> Candidates);

/// <summary>The answer to <see cref="FindConversationPeers"/>.</summary>
public sealed record ConversationPeers(IReadOnlyList<Guid> UserIds);
