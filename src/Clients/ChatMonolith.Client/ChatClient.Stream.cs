using System.Threading.Channels;
using ChatMonolith.Client.Internal;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using Grpc.Core;

namespace ChatMonolith.Client;

/// <summary>The device's stream: connect, catch up exactly, deliver in order once, ack, reconnect.</summary>
public sealed partial class ChatClient
{
    private const int BackfillPage = 100;

    /// <summary>Per conversation, the highest seq handed to the app's events (the hello's cursors).</summary>
    private readonly Dictionary<string, long> _cursors = [];

    /// <summary>Acks due, per conversation: the highest seq received, written when the stream's writer gets to it.</summary>
    private readonly Dictionary<string, long> _ackDue = [];

    private readonly HashSet<string> _typing = [];
    private HashSet<string> _watched = [];
    private readonly TaskCompletionSource _firstCaughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the open stream writes, in order; null while no stream is open. A null item means "write the acks due".</summary>
    private Channel<ClientEvent?>? _live;
    private bool _ackQueued;
    private bool _streamStarted;
    private volatile bool _stopping;
    private volatile ChatException? _ended;
    private Task _streamLoop = Task.CompletedTask;
    private ConnectionState _state = ConnectionState.Connecting;

    /// <summary>How the stream stands now; each change is also a <see cref="ConnectionChanged"/> event.</summary>
    public ConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// Opens the device's stream and returns once it has caught up (everything newer than the cursors held has been
    /// read into the events); the stream then stays open, reconnecting on its own, until the client is disposed. Fails
    /// when the session has ended or the device's stream was replaced before it caught up.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_gate)
        {
            if (!_streamStarted)
            {
                _streamStarted = true;
                _streamLoop = Task.Run(RunStreamAsync, CancellationToken.None);
            }
        }

        await _firstCaughtUp.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Watches these users' presence (the people a screen shows): their state comes at once as
    /// <see cref="PresenceChanged"/> events, then each change. Replaces the previous list, and is renewed on every reconnect.
    /// </summary>
    public Task WatchPresenceAsync(IEnumerable<string> userIds, CancellationToken cancellationToken = default)
    {
        var request = new WatchPresenceRequest();
        request.UserIds.AddRange((userIds ?? []).Distinct());
        lock (_gate)
        {
            _watched = [.. request.UserIds];
            _live?.Writer.TryWrite(new ClientEvent { WatchPresence = request });
        }

        return Task.CompletedTask;
    }

    private async Task RunStreamAsync()
    {
        var backoff = new Backoff(_options.ReconnectDelay, _options.MaxReconnectDelay);
        while (!_lifetime.IsCancellationRequested && !_stopping)
        {
            SetState(ConnectionState.Connecting);
            ChatException? error = null;
            var now = false;
            string? token = null;
            try
            {
                token = await _session.AccessTokenAsync(_lifetime.Token).ConfigureAwait(false);
                now = await RunOneStreamAsync(token, backoff).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (_lifetime.IsCancellationRequested && e.StatusCode == StatusCode.Cancelled)
            {
                return;
            }
            catch (RpcException e)
            {
                error = ChatException.From(e);
                if (e.StatusCode == StatusCode.Aborted && error.Reason == "STREAM_REPLACED")
                {
                    // A newer stream of this device is open elsewhere: coming back would only take turns with it.
                    End(ConnectionState.Replaced, error);
                    return;
                }

                if (Session.IsExpired(e) && token is not null)
                {
                    now = await RefreshOrEndAsync(token).ConfigureAwait(false);
                    if (_session.Ended is not null)
                    {
                        End(ConnectionState.SignedOut, _session.Ended);
                        return;
                    }
                }
                else if (e.StatusCode == StatusCode.Unauthenticated)
                {
                    // Revoked, logged out elsewhere: no reconnect can help.
                    End(ConnectionState.SignedOut, error);
                    return;
                }
                else
                {
                    now = error.Reason == "SERVER_DRAINING";
                    MoveToNextServer();
                }
            }
            catch (ChatException e) when (_session.Ended is not null)
            {
                End(ConnectionState.SignedOut, e);
                return;
            }
            catch (Exception e) when (e is IOException or HttpRequestException or InvalidOperationException or ObjectDisposedException or ChatException)
            {
                error = e as ChatException ?? new ChatException(StatusCode.Unavailable, "", e.Message, inner: e);
                MoveToNextServer();
            }

            if (_stopping)
            {
                return;
            }

            var delay = now ? TimeSpan.Zero : backoff.Next();
            SetState(ConnectionState.Disconnected, error, delay);
            if (delay > TimeSpan.Zero)
            {
                await DelayAsync(delay).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> RefreshOrEndAsync(string token)
    {
        try
        {
            await _session.RefreshAsync(token, _lifetime.Token).ConfigureAwait(false);
            return true;
        }
        catch (ChatException)
        {
            return false;
        }
    }

    /// <summary>One stream, from hello to its end. True when the next should open at once (the server said to go elsewhere).</summary>
    private async Task<bool> RunOneStreamAsync(string token, Backoff backoff)
    {
        using var streamEnd = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        using var call = Messages.Connect(Session.Headers(token), cancellationToken: streamEnd.Token);
        var hello = new Hello();
        var outbound = Channel.CreateUnbounded<ClientEvent?>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            hello.Cursors.AddRange(_cursors.Select(c => new ConversationCursor { ConversationId = c.Key, Seq = c.Value }));

            // In this order behind the hello: what the queue holds, then what comes while the stream is open.
            _live = outbound;
            _ackQueued = false;
            foreach (var pending in _pending.Where(p => p.Stored))
            {
                outbound.Writer.TryWrite(SendEvent(pending.Message));
            }

            outbound.Writer.TryWrite(new ClientEvent { Heartbeat = new HeartbeatRequest() });
            if (_watched.Count > 0)
            {
                var watch = new WatchPresenceRequest();
                watch.UserIds.AddRange(_watched);
                outbound.Writer.TryWrite(new ClientEvent { WatchPresence = watch });
            }

            if (_ackDue.Count > 0)
            {
                _ackQueued = outbound.Writer.TryWrite(null);
            }
        }

        var writing = WriteAsync(call.RequestStream, hello, outbound.Reader, streamEnd.Token);
        var beating = BeatAsync(outbound, streamEnd.Token);
        try
        {
            await foreach (var serverEvent in call.ResponseStream.ReadAllAsync(streamEnd.Token).ConfigureAwait(false))
            {
                switch (serverEvent.EventCase)
                {
                    case ServerEvent.EventOneofCase.Message:
                        await ReceiveAsync(serverEvent.Message).ConfigureAwait(false);
                        break;
                    case ServerEvent.EventOneofCase.CaughtUp:
                        backoff.Reset();
                        SetState(ConnectionState.Connected);
                        _firstCaughtUp.TrySetResult();
                        break;
                    case ServerEvent.EventOneofCase.SendAccepted:
                        await AcceptAsync(serverEvent.SendAccepted).ConfigureAwait(false);
                        break;
                    case ServerEvent.EventOneofCase.Rejected when serverEvent.Rejected.Request == RequestRejected.Types.Request.Send:
                        await RejectAsync(serverEvent.Rejected.ClientMsgId, ChatException.From(serverEvent.Rejected)).ConfigureAwait(false);
                        break;
                    case ServerEvent.EventOneofCase.Receipt:
                        await EmitAsync(new ReceiptChanged(Mapping.Receipt(serverEvent.Receipt))).ConfigureAwait(false);
                        break;
                    case ServerEvent.EventOneofCase.Presence:
                        await EmitAsync(new PresenceChanged(Mapping.Presence(serverEvent.Presence))).ConfigureAwait(false);
                        break;
                    case ServerEvent.EventOneofCase.Typing:
                        await EmitAsync(new TypingChanged(Mapping.Typing(serverEvent.Typing))).ConfigureAwait(false);
                        break;
                    case ServerEvent.EventOneofCase.ConversationChanged:
                        await EmitAsync(new ConversationChanged(Mapping.Conversation(serverEvent.ConversationChanged.Conversation))).ConfigureAwait(false);
                        break;
                    case ServerEvent.EventOneofCase.Reconnect:
                        // This host is going away: another, now. What this stream had not answered is resent there.
                        MoveToNextServer();
                        return true;
                    default:
                        // A refused heartbeat, typing signal, ack or watch changes nothing the app holds; an event a
                        // newer server added is skipped.
                        break;
                }
            }

            return false;
        }
        finally
        {
            lock (_gate)
            {
                if (_live == outbound)
                {
                    _live = null;
                }

                _ackQueued = false;
            }

            outbound.Writer.TryComplete();
            await streamEnd.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(writing, beating).ConfigureAwait(false);
        }
    }

    /// <summary>The stream's one writer: the hello, then each event in order; the acks due when their turn comes.</summary>
    private async Task WriteAsync(IClientStreamWriter<ClientEvent> requests, Hello hello, ChannelReader<ClientEvent?> outbound, CancellationToken cancellationToken)
    {
        try
        {
            await requests.WriteAsync(new ClientEvent { Hello = hello }, cancellationToken).ConfigureAwait(false);
            await foreach (var next in outbound.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (next is not null)
                {
                    await requests.WriteAsync(next, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                List<KeyValuePair<string, long>> acks;
                lock (_gate)
                {
                    acks = [.. _ackDue];
                    _ackDue.Clear();
                    _ackQueued = false;
                }

                foreach (var (conversationId, seq) in acks)
                {
                    await requests.WriteAsync(new ClientEvent { AckDelivered = new AckDeliveredRequest { ConversationId = conversationId, Seq = seq } }, cancellationToken).ConfigureAwait(false);
                }
            }

            // The app said goodbye (the client is being disposed): the server answers what it has, then ends the stream.
            await requests.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The stream broke; its reader sees why and the next stream writes what is still queued.
        }
    }

    /// <summary>Heartbeats, and the typing starts still on, while the stream is open.</summary>
    private async Task BeatAsync(Channel<ClientEvent?> outbound, CancellationToken cancellationToken)
    {
        var typingEvery = _options.TypingRefresh;
        using var timer = new PeriodicTimer(typingEvery < _options.HeartbeatInterval ? typingEvery : _options.HeartbeatInterval);
        var lastBeat = _options.Clock.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = _options.Clock.GetUtcNow();
                lock (_gate)
                {
                    foreach (var conversationId in _typing)
                    {
                        outbound.Writer.TryWrite(new ClientEvent { Typing = new SetTypingRequest { ConversationId = conversationId, Typing = true } });
                    }
                }

                if (now - lastBeat >= _options.HeartbeatInterval)
                {
                    lastBeat = now;
                    outbound.Writer.TryWrite(new ClientEvent { Heartbeat = new HeartbeatRequest() });
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A message from the stream: dropped if already handed on, a gap before it filled from history first.</summary>
    private async ValueTask ReceiveAsync(Message message)
    {
        long cursor;
        lock (_gate)
        {
            cursor = _cursors.GetValueOrDefault(message.ConversationId);
        }

        if (message.Seq <= cursor)
        {
            return;
        }

        // A cursor of 0 is a conversation this device has not seen: it starts wherever the membership does.
        if (cursor > 0 && message.Seq > cursor + 1)
        {
            await BackfillAsync(message.ConversationId, cursor, message.Seq - 1).ConfigureAwait(false);
        }

        await HandOnAsync(Mapping.Message(message)).ConfigureAwait(false);
    }

    /// <summary>
    /// Fills a gap from history. The server sends in order, so this is a guard, not a path: what the caller may not
    /// read (a time they were not a member) stays a gap.
    /// </summary>
    private async ValueTask BackfillAsync(string conversationId, long after, long upTo)
    {
        var anchor = after;
        while (anchor < upTo)
        {
            MessagePage page;
            try
            {
                page = await GetMessagesAsync(conversationId, anchor, after: true, BackfillPage, _lifetime.Token).ConfigureAwait(false);
            }
            catch (ChatException)
            {
                return;
            }

            foreach (var message in page.Messages.Where(m => m.Seq <= upTo))
            {
                await HandOnAsync(message).ConfigureAwait(false);
            }

            if (!page.HasMore || page.Messages.Count == 0 || page.NextAnchorSeq <= anchor)
            {
                return;
            }

            anchor = page.NextAnchorSeq;
        }
    }

    private async ValueTask HandOnAsync(ChatMessage message)
    {
        lock (_gate)
        {
            if (message.Seq <= _cursors.GetValueOrDefault(message.ConversationId))
            {
                return;
            }

            _cursors[message.ConversationId] = message.Seq;
            _ackDue[message.ConversationId] = message.Seq;
            if (!_ackQueued && _live is not null)
            {
                _ackQueued = _live.Writer.TryWrite(null);
            }
        }

        await EmitAsync(new MessageReceived(message)).ConfigureAwait(false);
    }

    private ValueTask EmitAsync(ChatEvent chatEvent) => _events.Writer.WriteAsync(chatEvent, _lifetime.Token);

    private void SetState(ConnectionState state, ChatException? error = null, TimeSpan? retryIn = null)
    {
        lock (_gate)
        {
            if (_state == state && error is null)
            {
                return;
            }

            _state = state;
        }

        // A state change is news, not data: when the app is behind, it reads State instead.
        _events.Writer.TryWrite(new ConnectionChanged(state, error, retryIn));
    }

    private void End(ConnectionState state, ChatException error)
    {
        _ended = error;
        SetState(state, error);
        _firstCaughtUp.TrySetException(error);
        List<Pending> waiting;
        lock (_gate)
        {
            waiting = [.. _pending.Where(p => p.Waiter is not null)];
        }

        // Sends wait for a stream that will not come back: they fail, and stay queued in the store for a new session.
        foreach (var pending in waiting)
        {
            pending.Waiter!.TrySetException(error);
        }
    }

    /// <summary>Goodbye: the writer completes the request stream; the server answers what it holds and ends it.</summary>
    private async Task StopStreamAsync()
    {
        Channel<ClientEvent?>? live;
        _stopping = true;
        lock (_gate)
        {
            live = _live;
        }

        live?.Writer.TryComplete();
        if (live is not null)
        {
            try
            {
                await _streamLoop.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The server did not end the stream in time; cancelling it below ends it from here.
            }
        }
    }
}
