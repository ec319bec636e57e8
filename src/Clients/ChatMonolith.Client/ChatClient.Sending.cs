using System.Threading.Channels;
using ChatMonolith.Client.Internal;
using ChatMonolith.Client.Storage;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using Grpc.Core;

namespace ChatMonolith.Client;

/// <summary>The outgoing queue: kept in the store before it is written, resent with the same ids until acknowledged.</summary>
public sealed partial class ChatClient
{
    /// <summary>The queue, in the order sends were made; an entry leaves when acknowledged or refused for good.</summary>
    private readonly List<Pending> _pending = [];

    /// <summary>Store changes, applied one at a time in the order made, so a removal never overtakes its add.</summary>
    private readonly Channel<Func<ValueTask>> _storeChanges = Channel.CreateUnbounded<Func<ValueTask>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _storeWork;

    /// <summary>
    /// Sends a text and returns once the server has stored it (the "sent" tick), with its seq. The message is kept in
    /// the store's outgoing queue first; it is resent with the same <c>client_msg_id</c> after a reconnect until
    /// acknowledged, so it is stored once however often the connection breaks. Without a stream
    /// (<see cref="ConnectAsync"/> not called) it is sent with a unary call, retried the same way.
    /// A refusal that cannot pass on a retry (not a member, an invalid text) throws <see cref="ChatException"/>.
    /// Cancelling the token stops the wait, not the send: the message stays queued.
    /// </summary>
    public async Task<SentMessage> SendAsync(string conversationId, string text, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_ended is { } ended)
        {
            throw ended;
        }

        var message = new OutgoingMessage(conversationId ?? "", Guid.CreateVersion7().ToString(), text ?? "", _options.Clock.GetUtcNow());
        var pending = new Pending(message) { Waiter = new TaskCompletionSource<SentMessage>(TaskCreationOptions.RunContinuationsAsynchronously) };
        lock (_gate)
        {
            _pending.Add(pending);
            StopTypingLocked(message.ConversationId);
        }

        // Kept before it goes out; once kept, the stream (now, or on its next connect) writes it, or without a stream
        // the unary call does.
        EnqueueStoreChange(async () =>
        {
            try
            {
                await _store.AddOutgoingAsync(message, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                Take(message.ClientMsgId);
                pending.Waiter.TrySetException(e);
                return;
            }

            bool unary;
            lock (_gate)
            {
                pending.Stored = true;
                _live?.Writer.TryWrite(SendEvent(message));
                unary = !_streamStarted;
            }

            if (unary)
            {
                _ = SendUnaryAsync(pending);
            }
        });

        return await pending.Waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Says whether the user is typing in a conversation. A start is repeated every
    /// <see cref="ChatClientOptions.TypingRefresh"/> until stopped, or until the user sends there.
    /// </summary>
    public async Task SetTypingAsync(string conversationId, bool typing, CancellationToken cancellationToken = default)
    {
        var request = new SetTypingRequest { ConversationId = conversationId ?? "", Typing = typing };
        bool written;
        lock (_gate)
        {
            if (typing)
            {
                _typing.Add(request.ConversationId);
            }
            else
            {
                _typing.Remove(request.ConversationId);
            }

            written = _live?.Writer.TryWrite(new ClientEvent { Typing = request }) ?? false;
        }

        if (!written)
        {
            await CallAsync((h, d, c) => PresenceCalls.SetTypingAsync(request, h, d, c), cancellationToken).ConfigureAwait(false);
        }
    }

    private void StopTypingLocked(string conversationId)
    {
        if (_typing.Remove(conversationId))
        {
            _live?.Writer.TryWrite(new ClientEvent { Typing = new SetTypingRequest { ConversationId = conversationId, Typing = false } });
        }
    }

    private static ClientEvent SendEvent(OutgoingMessage message) => new()
    {
        Send = new SendMessageRequest { ConversationId = message.ConversationId, ClientMsgId = message.ClientMsgId, Text = message.Text },
    };

    /// <summary>The server stored a queued message: it leaves the queue, its sender hears.</summary>
    private async ValueTask AcceptAsync(SendAccepted accepted)
    {
        var sent = Mapping.Sent(accepted);
        if (Take(accepted.ClientMsgId) is not { } pending)
        {
            // A second answer for a message already acknowledged (sent twice over a broken stream): nothing new.
            return;
        }

        bool streaming;
        lock (_gate)
        {
            streaming = _streamStarted;
        }

        // Without a stream nobody reads the events: the caller has SendAsync's answer. With one, the event is queued
        // before SendAsync returns, so an app that sees the answer finds the event among its events too.
        if (streaming)
        {
            await _events.Writer.WriteAsync(new MessageSent(sent), _lifetime.Token).ConfigureAwait(false);
        }

        pending.Waiter?.TrySetResult(sent);
    }

    /// <summary>A queued message was refused: tried again later when the server says when, else dropped with the reason.</summary>
    private async ValueTask RejectAsync(string clientMsgId, ChatException error)
    {
        if (IsWorthRetrying(error))
        {
            _ = ResendLaterAsync(clientMsgId, error.RetryAfter ?? _options.ReconnectDelay);
            return;
        }

        if (Take(clientMsgId) is not { } pending)
        {
            return;
        }

        pending.Waiter?.TrySetException(error);
        await _events.Writer.WriteAsync(new SendFailed(pending.Message.ConversationId, clientMsgId, error), _lifetime.Token).ConfigureAwait(false);
    }

    private static bool IsWorthRetrying(ChatException error) =>
        error.Code is StatusCode.ResourceExhausted or StatusCode.Unavailable or StatusCode.Aborted or StatusCode.DeadlineExceeded;

    private Pending? Take(string clientMsgId)
    {
        lock (_gate)
        {
            var index = _pending.FindIndex(p => p.Message.ClientMsgId == clientMsgId);
            if (index < 0)
            {
                return null;
            }

            var pending = _pending[index];
            _pending.RemoveAt(index);
            EnqueueStoreChange(() => _store.RemoveOutgoingAsync(clientMsgId, CancellationToken.None));
            return pending;
        }
    }

    private async Task ResendLaterAsync(string clientMsgId, TimeSpan delay)
    {
        await DelayAsync(delay).ConfigureAwait(false);
        lock (_gate)
        {
            // On this stream or, if it broke meanwhile, the next one's resend takes it.
            if (_pending.Find(p => p.Message.ClientMsgId == clientMsgId) is { Stored: true } pending)
            {
                _live?.Writer.TryWrite(SendEvent(pending.Message));
            }
        }
    }

    /// <summary>A send without a stream: the unary call, retried with the same id while the server is away.</summary>
    private async Task SendUnaryAsync(Pending pending)
    {
        var backoff = new Backoff(_options.ReconnectDelay, _options.MaxReconnectDelay);
        var request = SendEvent(pending.Message).Send;
        while (!_lifetime.IsCancellationRequested)
        {
            try
            {
                var response = await CallAsync((h, d, c) => Messages.SendMessageAsync(request, h, d, c), _lifetime.Token).ConfigureAwait(false);
                await AcceptAsync(response.Accepted).ConfigureAwait(false);
                return;
            }
            catch (ChatException e) when (IsWorthRetrying(e) || e.Reason.Length == 0)
            {
                // Away, or a broken connection (no reason): the same id again, later.
                MoveToNextServer();
                await DelayAsync(e.RetryAfter ?? backoff.Next()).ConfigureAwait(false);
            }
            catch (ChatException e)
            {
                await RejectAsync(pending.Message.ClientMsgId, e).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void EnqueueStoreChange(Func<ValueTask> change) => _storeChanges.Writer.TryWrite(change);

    private async Task ApplyStoreChangesAsync()
    {
        await foreach (var change in _storeChanges.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            // Local changes, not cancelled by the client's end: a queued send must reach the store even while disposing.
            try
            {
                await change().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A removal that did not reach the store costs a resend after a restart, answered as a duplicate.
            }
        }
    }

    private sealed class Pending(OutgoingMessage message)
    {
        public OutgoingMessage Message { get; } = message;

        /// <summary>The SendAsync waiting for it; null for a send restored from the store.</summary>
        public TaskCompletionSource<SentMessage>? Waiter { get; init; }

        /// <summary>Kept in the store: from here on a stream may write it.</summary>
        public bool Stored { get; set; }
    }
}
