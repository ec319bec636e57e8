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
/// <para>
/// Across hosts, entries of one conversation committed by two hosts a moment apart can overtake each other on their
/// way here (one from memory, one through Redis). An entry past a gap therefore waits up to <c>reorderWait</c> for
/// the missing ones to arrive live before the gap is read from the log: a read costs the database more than the wait
/// costs the device.
/// </para>
/// </summary>
internal sealed class OrderedDelivery(
    DeviceSession session, DeliveryLog log, ServerEventWriter stream, int pageSize, TimeSpan reorderWait, TimeProvider clock, MessagingMetrics metrics)
{
    private readonly Dictionary<Guid, long> _next = [];

    /// <summary>Per conversation, entries past a gap, by seq, and when the gap is read from the log if still open.</summary>
    private readonly Dictionary<Guid, (SortedList<long, (ServerEvent Event, long QueuedAt)> Entries, long Deadline)> _waiting = [];

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
        // Not a wait on cancellationToken: a cancelled wait throws, and every reconnect would pay for that. Only while
        // entries wait for a gap does the wait end on its own, at the gap's deadline.
        while (await NextAsync(cancellationToken))
        {
            while (session.Queue.TryRead(out var item))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                await HandleAsync(item, cancellationToken);
            }

            await FillOverdueGapsAsync(cancellationToken);

            // What the last write buffered goes out once nothing more waits (the next item may have written nothing).
            if (stream.HasBuffered && !MoreQueued)
            {
                await stream.FlushAsync();
            }
        }
    }

    /// <returns>False once the queue is closed and empty.</returns>
    private async Task<bool> NextAsync(CancellationToken cancellationToken)
    {
        if (_waiting.Count == 0)
        {
            return await session.Queue.WaitToReadAsync(CancellationToken.None);
        }

        var wait = TimeSpan.FromTicks(Math.Max(0, _waiting.Values.Min(w => w.Deadline) - clock.GetTimestamp()) * TimeSpan.TicksPerSecond / clock.TimestampFrequency);
        if (wait > TimeSpan.Zero)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(wait);
            try
            {
                return await session.Queue.WaitToReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The gap's deadline: read it from the log.
            }
        }

        return !session.Queue.Completion.IsCompleted || session.Queue.Count > 0 || _waiting.Count > 0;
    }

    private async Task HandleAsync(Outbound item, CancellationToken cancellationToken)
    {
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
    }

    /// <summary>Gaps whose wait is over are read from the log, with what waited behind them.</summary>
    private async Task FillOverdueGapsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetTimestamp();
        foreach (var (conversationId, waiting) in _waiting.Where(w => w.Value.Deadline <= now).ToList())
        {
            _waiting.Remove(conversationId);
            var next = _next[conversationId];
            var last = waiting.Entries.Keys[^1];
            if (last >= next)
            {
                _next[conversationId] = await WriteRangeAsync(conversationId, next, last, cancellationToken);
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

        // What waited behind a gap is now read, or comes later.
        _waiting.Clear();
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

        if (entry.Seq > next && reorderWait <= TimeSpan.Zero)
        {
            next = await WriteRangeAsync(entry.ConversationId, next, entry.Seq - 1, cancellationToken);
        }
        else if (entry.Seq > next)
        {
            // Past a gap: it waits for the missing entries (or for the gap's deadline, then the log).
            _next[entry.ConversationId] = next;
            if (!_waiting.TryGetValue(entry.ConversationId, out var waiting))
            {
                waiting = (new SortedList<long, (ServerEvent, long)>(), clock.GetTimestamp() + (long)(reorderWait.TotalSeconds * clock.TimestampFrequency));
                _waiting[entry.ConversationId] = waiting;
            }

            waiting.Entries.TryAdd(entry.Seq, (asEvent, Stopwatch.GetTimestamp()));
            return false;
        }

        await WriteAsync(asEvent, entry, MoreQueued, cancellationToken);
        next = entry.Seq + 1;
        // The gap it closed: what waited behind it follows, up to the next gap.
        if (_waiting.TryGetValue(entry.ConversationId, out var behind))
        {
            while (behind.Entries.Count > 0 && behind.Entries.Keys[0] <= next)
            {
                var (seq, (waitingEvent, queuedAt)) = (behind.Entries.Keys[0], behind.Entries.Values[0]);
                behind.Entries.RemoveAt(0);
                if (seq == next)
                {
                    await WriteAsync(waitingEvent, new EntryPosition(entry.ConversationId, seq), MoreQueued, cancellationToken);
                    metrics.DeliveryLatency.Record(Stopwatch.GetElapsedTime(queuedAt).TotalMilliseconds);
                    next++;
                }
            }

            if (behind.Entries.Count == 0)
            {
                _waiting.Remove(entry.ConversationId);
            }
        }

        _next[entry.ConversationId] = next;
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
