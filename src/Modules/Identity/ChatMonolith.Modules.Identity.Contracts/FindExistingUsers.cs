namespace ChatMonolith.Modules.Identity.Contracts;

/// <summary>Query, answered in-process through Wolverine: which of these user ids belong to registered users.</summary>
public sealed record FindExistingUsers(IReadOnlyList<Guid> UserIds);

/// <summary>The answer to <see cref="FindExistingUsers"/>.</summary>
public sealed record ExistingUsers(IReadOnlyList<Guid> UserIds);
