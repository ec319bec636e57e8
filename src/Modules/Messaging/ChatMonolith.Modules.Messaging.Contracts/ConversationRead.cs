namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>
/// Integration event: <paramref name="UserId"/> read <paramref name="ConversationId"/> up to
/// <paramref name="ReadSeq"/>, on one of their devices. Published only when the read position moved forward.
/// </summary>
public sealed record ConversationRead(Guid UserId, Guid ConversationId, long ReadSeq);
