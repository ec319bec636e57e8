using System.Diagnostics;
using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Modules.Messaging.Grpc;
using ChatMonolith.Protos.Messaging.V1;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// The single writer of one device's stream. Per conversation it knows the next seq the device must get, and it
/// only ever writes that one: an older entry is a duplicate and is dropped, a newer one means entries are missing
/// (the catch-up, or fan-outs of concurrent senders overtaking each other), and those are read from the database
/// first. Every seq a committed entry has below a delivered one is itself committed, because seqs are taken under
/// the conversation's row lock, so the read always finds them; it returns only what the device's user may read.
/// </summary>
internal sealed class OrderedDelivery(
    DeviceSession session, DeliveryLog log, ServerEventWriter stream, int pageSize, TimeProvider clock, MessagingMetrics metrics)
{
    private readonly Dictionary<Guid, long> _next = [];

    /// <param name="beforeCaughtUp">What must have happened before the device is told it is caught up.</param>
    public async Task CatchUpAsync(IReadOnlyDictionary<Guid, long> cursors, Task beforeCaughtUp, CancellationToken cancellationToken)
    {
        foreach (var window in await log.WindowsAsync(session.Caller.UserId, cancellationToken))
        {
            var from = Math.Max(cursors.GetValueOrDefault(window.ConversationId) + 1, window.JoinedSeq);
            // A cursor past the end (a confused client) must not make the writer drop what comes next as old.
            _next[window.ConversationId] = Math.Min(await WriteRangeAsync(window.ConversationId, from, window.VisibleUpTo, cancellationToken), window.VisibleUpTo + 1);
        }

        await beforeCaughtUp;
        await WriteAsync(new ServerEvent { CaughtUp = new CaughtUp { At = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(clock.GetUtcNow()) } }, entry: null, MoreQueued, cancellationToken);
    }

    /// <summary>Writes what the queue brings until the session closes it (see <see cref="DeviceSession.CloseQueue"/>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Not ReadAllAsync(cancellationToken): a cancelled wait throws, and every reconnect would pay for that.
        await foreach (var item in session.Queue.ReadAllAsync(CancellationToken.None))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (item.Event is null)
            {
                await CatchUpAgainAsync(cancellationToken);
            }
            else if (item.Entry is { } entry)
            {
                if (await DeliverInOrderAsync(entry, item.Event, cancellationToken))
                {
                    metrics.DeliveryLatency.Record(Stopwatch.GetElapsedTime(item.QueuedAt).TotalMilliseconds);
                }
            }
            else
            {
                await WriteAsync(item.Event, entry: null, MoreQueued, cancellationToken);
            }

            // What the last write buffered goes out once nothing more waits (the next item may have written nothing).
            if (stream.HasBuffered && !MoreQueued)
            {
                await stream.FlushAsync();
            }
        }
    }

    /// <summary>
    /// Routed publishes may have been lost: every conversation of the user is read from the log past what this stream
    /// wrote, as a catch-up would, so the seam has no gap and, by seq, no duplicate.
    /// </summary>
    private async Task CatchUpAgainAsync(CancellationToken cancellationToken)
    {
        foreach (var window in await log.WindowsAsync(session.Caller.UserId, cancellationToken))
        {
            var from = Math.Max(_next.GetValueOrDefault(window.ConversationId, window.JoinedSeq), window.JoinedSeq);
            if (from <= window.VisibleUpTo)
            {
                _next[window.ConversationId] = await WriteRangeAsync(window.ConversationId, from, window.VisibleUpTo, cancellationToken);
            }
        }
    }

    /// <returns>Whether the entry was written (not a duplicate, nor of a conversation the device's user is not in).</returns>
    private async Task<bool> DeliverInOrderAsync(EntryPosition entry, ServerEvent asEvent, CancellationToken cancellationToken)
    {
        if (!_next.TryGetValue(entry.ConversationId, out var next))
        {
            // A conversation the device has not seen yet (it was just added): start at its membership.
            var window = await log.WindowAsync(session.Caller.UserId, entry.ConversationId, cancellationToken);
            if (window is null)
            {
                return false;
            }

            next = window.JoinedSeq;
        }

        if (entry.Seq < next)
        {
            return false;
        }

        next = await WriteRangeAsync(entry.ConversationId, next, entry.Seq - 1, cancellationToken);
        await WriteAsync(asEvent, entry, MoreQueued, cancellationToken);
        _next[entry.ConversationId] = entry.Seq + 1;
        return true;
    }

    /// <returns>The next seq after what was written.</returns>
    private async Task<long> WriteRangeAsync(Guid conversationId, long from, long to, CancellationToken cancellationToken)
    {
        while (from <= to)
        {
            var page = await log.ReadAsync(session.Caller.UserId, conversationId, from, to, pageSize, cancellationToken);
            for (var i = 0; i < page.Count; i++)
            {
                // Flushed at the end of each page: the next may take a query.
                await WriteAsync(new ServerEvent { Message = MessagingProtoMapping.ToProto(page[i]) }, new EntryPosition(page[i].ConversationId, page[i].Seq), i < page.Count - 1, cancellationToken);
            }

            metrics.CatchUpMessages.Add(page.Count);

            if (page.Count < pageSize)
            {
                return to + 1;
            }

            from = page[^1].Seq + 1;
        }

        return from;
    }

    /// <summary>More events wait in the queue: the write before them need not reach the socket on its own.</summary>
    private bool MoreQueued => session.Queue.Count > 0;

    private async Task WriteAsync(ServerEvent serverEvent, EntryPosition? entry, bool moreFollows, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await stream.WriteAsync(serverEvent, moreFollows);
        if (entry is { } position)
        {
            session.MarkSent(position.ConversationId, position.Seq);
        }
    }
}
