using System.Threading.Channels;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Protos.Receipts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace ChatMonolith.Testing;

/// <summary>
/// A device's open Connect (or Subscribe) stream: everything the server sends is collected in order, and tests
/// await the events they expect, with a timeout, instead of sleeping.
/// </summary>
public sealed class DeviceStream : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly Channel<ServerEvent> _received = Channel.CreateUnbounded<ServerEvent>();
    private readonly List<ServerEvent> _passedOver = [];
    private readonly AsyncDuplexStreamingCall<ClientEvent, ServerEvent>? _duplex;
    private readonly AsyncServerStreamingCall<ServerEvent>? _subscription;
    private readonly Task _reading;

    private DeviceStream(AsyncDuplexStreamingCall<ClientEvent, ServerEvent>? duplex, AsyncServerStreamingCall<ServerEvent>? subscription)
    {
        _duplex = duplex;
        _subscription = subscription;
        _reading = ReadAllAsync((duplex?.ResponseStream ?? subscription!.ResponseStream));
    }

    /// <summary>How the server ended the stream, once it has.</summary>
    public Task Completion => _reading;

    public static async Task<DeviceStream> ConnectAsync(GrpcChannel channel, TestSession session, params ConversationCursor[] cursors)
    {
        var call = new ChatStreamService.ChatStreamServiceClient(channel).Connect(session.Auth, DateTime.UtcNow.AddMinutes(5));
        var hello = new Hello();
        hello.Cursors.AddRange(cursors);
        await call.RequestStream.WriteAsync(new ClientEvent { Hello = hello });
        return new DeviceStream(call, null);
    }

    public static DeviceStream Subscribe(GrpcChannel channel, TestSession session, params ConversationCursor[] cursors)
    {
        var request = new SubscribeRequest { Hello = new Hello() };
        request.Hello.Cursors.AddRange(cursors);
        // gRPC-Web streams hang until their deadline if left open: always set one.
        var call = new ChatStreamService.ChatStreamServiceClient(channel).Subscribe(request, session.Auth, DateTime.UtcNow.AddMinutes(5));
        return new DeviceStream(null, call);
    }

    /// <summary>Sends up the stream; a stream the server has ended says how it ended.</summary>
    public async Task SendAsync(ClientEvent clientEvent)
    {
        try
        {
            await _duplex!.RequestStream.WriteAsync(clientEvent);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            var ended = _reading.IsCompleted ? _reading.Exception?.GetBaseException().Message ?? "with OK" : "not yet";
            throw new InvalidOperationException($"Could not send {clientEvent.EventCase}: the stream ended {ended}", e);
        }
    }

    public Task SendTextAsync(string conversationId, string text, string? clientMsgId = null) =>
        SendAsync(new ClientEvent
        {
            Send = new SendMessageRequest { ConversationId = conversationId, ClientMsgId = clientMsgId ?? Guid.NewGuid().ToString(), Text = text },
        });

    public Task AckAsync(string conversationId, long seq) =>
        SendAsync(new ClientEvent { AckDelivered = new AckDeliveredRequest { ConversationId = conversationId, Seq = seq } });

    public Task MarkReadAsync(string conversationId, long seq) =>
        SendAsync(new ClientEvent { MarkRead = new MarkReadRequest { ConversationId = conversationId, Seq = seq } });

    public Task HeartbeatAsync() => SendAsync(new ClientEvent { Heartbeat = new HeartbeatRequest() });

    public Task TypingAsync(string conversationId, bool typing) =>
        SendAsync(new ClientEvent { Typing = new SetTypingRequest { ConversationId = conversationId, Typing = typing } });

    public Task WatchAsync(params string[] userIds)
    {
        var watch = new WatchPresenceRequest();
        watch.UserIds.AddRange(userIds);
        return SendAsync(new ClientEvent { WatchPresence = watch });
    }

    /// <summary>A goodbye: the device closes its side of the stream, and the server ends it.</summary>
    public Task CloseAsync() => _duplex!.RequestStream.CompleteAsync();

    /// <summary>The next receipt event about <paramref name="userId"/> that matches.</summary>
    public async Task<ReceiptUpdate> ReceiptAsync(string userId, Func<ReceiptUpdate, bool>? match = null) =>
        (await NextAsync(e => e.Receipt?.UserId == userId && (match is null || match(e.Receipt)))).Receipt;

    /// <summary>The next presence event about <paramref name="userId"/> that matches.</summary>
    public async Task<PresenceUpdate> PresenceAsync(string userId, Func<PresenceUpdate, bool>? match = null, TimeSpan? timeout = null) =>
        (await NextAsync(e => e.Presence?.UserId == userId && (match is null || match(e.Presence)), timeout)).Presence;

    public async Task<RequestRejected> RejectedAsync(RequestRejected.Types.Request request) =>
        (await NextAsync(e => e.Rejected?.Request == request)).Rejected;

    /// <summary>
    /// The earliest event not taken yet that matches. Events it passes over stay for later calls, so awaiting one
    /// kind of event never loses another.
    /// </summary>
    public async Task<ServerEvent> NextAsync(Func<ServerEvent, bool> match, TimeSpan? timeout = null)
    {
        var waiting = _passedOver.FindIndex(e => match(e));
        if (waiting >= 0)
        {
            var found = _passedOver[waiting];
            _passedOver.RemoveAt(waiting);
            return found;
        }

        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            var next = await _received.Reader.ReadAsync(cts.Token);
            if (match(next))
            {
                return next;
            }

            _passedOver.Add(next);
        }
    }

    /// <summary>The next <paramref name="count"/> chat messages (not system events) of a conversation, in the order they came.</summary>
    public async Task<List<Message>> MessagesAsync(string conversationId, int count, TimeSpan? timeout = null)
    {
        var messages = new List<Message>();
        while (messages.Count < count)
        {
            var next = await NextAsync(e => e.Message?.ConversationId == conversationId, timeout);
            messages.Add(next.Message);
        }

        return messages;
    }

    public Task CaughtUpAsync() => NextAsync(e => e.EventCase == ServerEvent.EventOneofCase.CaughtUp);

    /// <summary>Everything received so far and not yet taken.</summary>
    public List<ServerEvent> Drain()
    {
        var events = new List<ServerEvent>(_passedOver);
        _passedOver.Clear();
        while (_received.Reader.TryRead(out var next))
        {
            events.Add(next);
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        if (_duplex is not null)
        {
            _duplex.Dispose();
        }

        _subscription?.Dispose();
        try
        {
            await _reading;
        }
        catch (RpcException)
        {
        }
    }

    private async Task ReadAllAsync(IAsyncStreamReader<ServerEvent> responses)
    {
        try
        {
            while (await responses.MoveNext(CancellationToken.None))
            {
                await _received.Writer.WriteAsync(responses.Current);
            }
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
