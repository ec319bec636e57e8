namespace ChatMonolith.Modules.Messaging.Contracts.Queries;

/// <summary>Query: for each range of seqs (from exclusive, to inclusive) of a conversation, who sent a message in it.</summary>
public sealed record FindSenders(IReadOnlyList<SeqRange> Ranges);

/// <summary>The entries of a conversation after <paramref name="AfterSeq"/> up to and including <paramref name="UpToSeq"/>.</summary>
public sealed record SeqRange(Guid ConversationId, long AfterSeq, long UpToSeq);

/// <summary>The answer to <see cref="FindSenders"/>: the senders of each range, in the order asked.</summary>
public sealed record RangeSenders(IReadOnlyList<IReadOnlyList<Guid>> SendersByRange);
