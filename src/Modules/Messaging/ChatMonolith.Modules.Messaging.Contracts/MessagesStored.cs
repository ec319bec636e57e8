namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>
/// Integration event: one transaction stored these users' messages (a batch of the group commit, docs/adr/0014).
/// One event per transaction rather than per message: for a durable listener each event is an envelope row written in
/// the send's transaction.
/// </summary>
public sealed record MessagesStored(IReadOnlyList<MessageStored> Messages);
