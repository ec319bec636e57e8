namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>
/// A conversation's effective watermarks: a member has everything before their join, which they will never get.
/// Answers a sender's ticks: the slowest member other than the sender.
/// </summary>
internal sealed class Ticks
{
    private readonly List<(Guid UserId, long Seq)> _delivered;
    private readonly List<(Guid UserId, long Seq)> _read;
    private readonly long _lastSeq;

    public Ticks(KnownConversation conversation, IReadOnlyDictionary<Guid, (long Delivered, long Read)> watermarks)
    {
        var active = conversation.Active.Select(m =>
        {
            var (delivered, read) = watermarks.GetValueOrDefault(m.UserId);
            var floor = m.JoinedSeq - 1;
            return (m.UserId, Delivered: Math.Max(Math.Max(delivered, read), floor), Read: Math.Max(read, floor));
        }).ToList();
        // Needed only when nobody else is left, and then known: KnownConversations asks Messaging for such a conversation.
        _lastSeq = conversation.LastSeq ?? 0;
        _delivered = [.. active.Select(m => (m.UserId, m.Delivered)).OrderBy(m => m.Delivered)];
        _read = [.. active.Select(m => (m.UserId, m.Read)).OrderBy(m => m.Read)];
    }

    public long DeliveredToAllBut(Guid userId) => SlowestOtherThan(_delivered, userId);

    public long ReadByAllBut(Guid userId) => SlowestOtherThan(_read, userId);

    // Sorted ascending, so the slowest other member is the first or, when that is the user, the second.
    // With nobody else in the conversation, everything is trivially everyone's.
    private long SlowestOtherThan(List<(Guid UserId, long Seq)> sorted, Guid userId)
    {
        foreach (var (id, seq) in sorted)
        {
            if (id != userId)
            {
                return seq;
            }
        }

        return _lastSeq;
    }
}
