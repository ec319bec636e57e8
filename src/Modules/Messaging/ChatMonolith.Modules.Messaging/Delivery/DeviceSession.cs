using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Protos.Messaging.V1;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// One open stream of a device: a bounded queue that many producers fill and one writer drains. A device that lets
/// its queue fill up is cut off rather than allowed to hold ever more memory; it catches up when it reconnects.
/// </summary>
internal sealed class DeviceSession(Caller caller, int capacity, MessagingMetrics metrics) : IDisposable
{
    private readonly Channel<Outbound> _queue = Channel.CreateBounded<Outbound>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly CancellationTokenSource _ended = new();
    private readonly CancellationTokenSource _draining = new();
    private readonly ConcurrentDictionary<Guid, long> _sentUpTo = new();
    private volatile bool _closed;

    public Caller Caller { get; } = caller;

    /// <summary>Why the server ended the stream, if it did.</summary>
    public ChatException? EndedBy { get; private set; }

    public CancellationToken Ended => _ended.Token;

    /// <summary>Signalled when the host drains: the stream reads no more requests, answers what it took, and ends.</summary>
    public CancellationToken Draining => _draining.Token;

    /// <summary>Why the stream ends once drained, if the host is draining.</summary>
    public ChatException? DrainedBy { get; private set; }

    /// <summary>Orders the device's streams across hosts: a newer one replaces the older (<see cref="Routing.LiveStreams"/>).</summary>
    public long Generation { get; set; }

    public ChannelReader<Outbound> Queue => _queue.Reader;

    /// <param name="asEvent">The entry as the stream carries it, built once for every device it goes to.</param>
    public void Deliver(EntryPosition entry, ServerEvent asEvent) => Enqueue(new Outbound(entry, asEvent, Stopwatch.GetTimestamp()));

    /// <summary>Asks the writer to read what the log has past the stream's positions: routed publishes may have been lost.</summary>
    public void CatchUpAgain() => Enqueue(Outbound.CatchUpAgain);

    /// <summary>Tells the device to reconnect elsewhere, then lets the stream wind down (<see cref="Draining"/>).</summary>
    public void Drain(ChatException reason)
    {
        DrainedBy ??= reason;
        Send(new ServerEvent { Reconnect = new Reconnect { Reason = reason.Reason } });
        try
        {
            _draining.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream has already ended on its own.
        }
    }

    public void Send(ServerEvent direct) => Enqueue(new Outbound(null, direct, QueuedAt: 0));

    /// <summary>The highest seq of the conversation written to this stream, if any: the device has everything up to it.</summary>
    public long? SentUpTo(Guid conversationId) => _sentUpTo.TryGetValue(conversationId, out var seq) ? seq : null;

    /// <summary>Called by the stream's writer once an entry is written.</summary>
    public void MarkSent(Guid conversationId, long seq) => _sentUpTo.AddOrUpdate(conversationId, seq, (_, before) => Math.Max(before, seq));

    public void End(ChatException reason)
    {
        EndedBy ??= reason;
        _closed = true;
        _queue.Writer.TryComplete();
        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream has already ended on its own.
        }
    }

    /// <summary>The stream is over: its writer takes nothing more from the queue.</summary>
    public void CloseQueue()
    {
        _closed = true;
        _queue.Writer.TryComplete();
    }

    public void Dispose()
    {
        _ended.Dispose();
        _draining.Dispose();
    }

    /// <summary>What comes after the stream is over (a late answer, a delivery before the router forgets it) is dropped.</summary>
    private void Enqueue(Outbound item)
    {
        if (!_queue.Writer.TryWrite(item) && !_closed)
        {
            metrics.SlowConsumerCuts.Add(1);
            End(ChatException.ResourceExhausted("SLOW_CONSUMER",
                "The device did not read its stream fast enough; reconnect to receive what it missed."));
        }
    }
}
