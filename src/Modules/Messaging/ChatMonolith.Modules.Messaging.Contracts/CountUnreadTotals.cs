namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>
/// Command: count what each of <paramref name="UserIds"/> has unread over all their conversations (an app's badge).
/// Messaging answers with <see cref="UnreadTotalsCounted"/>, an event rather than a reply, so that a module in a
/// process of its own asks and hears the answer through the same transport as every other event. Only what is about
/// to be pushed is counted: the total reads every conversation of the user, which on Citus spans shards.
/// </summary>
public sealed record CountUnreadTotals(IReadOnlyList<Guid> UserIds);

/// <summary>Integration event: the answer to a <see cref="CountUnreadTotals"/>, one total per user asked about, counted after it was sent.</summary>
public sealed record UnreadTotalsCounted(IReadOnlyList<UnreadTotal> Totals);

/// <summary>What a user has unread over all their conversations.</summary>
public sealed record UnreadTotal(Guid UserId, long Count);
