using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace ChatMonolith.Testing;

/// <summary>
/// A device as a careful client runs it, over host failures: it keeps a cursor per conversation, reconnects with
/// them (to any host), resends what was not acknowledged with the same <c>client_msg_id</c>, and counts what a
/// server must never do: a duplicate, or an entry ahead of a gap.
/// </summary>
public sealed class ChatDevice(TestSession session) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _cursors = [];
    private readonly List<Message> _received = [];
    private readonly Dictionary<string, (string ConversationId, string Text)> _unacked = [];
    private readonly Dictionary<string, SendAccepted> _acked = [];
    private readonly List<StatusCode> _refusedSends = [];

    // A gRPC request stream takes one write at a time; sends, resends and heartbeats come from several tasks.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ChangeSignal _changed = new();
    private AsyncDuplexStreamingCall<ClientEvent, ServerEvent>? _call;
    private Task<RpcException?> _ended = Task.FromResult<RpcException?>(null);

    public TestSession Session { get; } = session;

    /// <summary>Messages received (each once, in seq order per conversation), system events left out.</summary>
    public List<Message> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Entries received again at or below the cursor.</summary>
    public int Duplicates { get; private set; }

    /// <summary>Entries received past a gap: the stream skipped some.</summary>
    public int Gaps { get; private set; }

    /// <summary>The status codes of refused sends, in the order they came.</summary>
    public List<StatusCode> RefusedSends
    {
        get
        {
            lock (_gate)
            {
                return [.. _refusedSends];
            }
        }
    }

    /// <summary>How many times the server said to reconnect elsewhere.</summary>
    public int ReconnectHints { get; private set; }

    public IReadOnlyDictionary<string, SendAccepted> Acked
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, SendAccepted>(_acked);
            }
        }
    }

    public int Unacked
    {
        get
        {
            lock (_gate)
            {
                return _unacked.Count;
            }
        }
    }

    /// <summary>How the current stream ended: null for OK or not ended, else the status.</summary>
    public Task<RpcException?> Ended => _ended;

    /// <summary>Opens a stream on <paramref name="channel"/> with the cursors held, waits for the catch-up, and resends what is unacknowledged.</summary>
    public async Task ConnectAsync(GrpcChannel channel)
    {
        _call?.Dispose();
        await _ended;
        var caughtUp = NewSignal();
        var call = new ChatStreamService.ChatStreamServiceClient(channel).Connect(Session.Auth, DateTime.UtcNow.AddMinutes(10));
        var hello = new Hello();
        lock (_gate)
        {
            hello.Cursors.AddRange(_cursors.Select(c => new ConversationCursor { ConversationId = c.Key, Seq = c.Value }));
        }

        await _writing.WaitAsync();
        try
        {
            await call.RequestStream.WriteAsync(new ClientEvent { Hello = hello });
            _call = call;
        }
        finally
        {
            _writing.Release();
        }

        _ended = ReadAsync(call, caughtUp);
        await caughtUp.Task.WaitAsync(DeviceStream.Timeout);
        await ResendUnackedAsync();
    }

    /// <summary>Queues a send; it is resent on every reconnect until acknowledged. A stream that is down just keeps it.</summary>
    public async Task SendAsync(string conversationId, string text)
    {
        var id = Guid.NewGuid().ToString();
        lock (_gate)
        {
            _unacked[id] = (conversationId, text);
        }

        await WriteAsync(id, conversationId, text);
    }

    /// <summary>Sends everything not acknowledged again on the open stream, with the same ids (after a refusal).</summary>
    public async Task ResendUnackedAsync()
    {
        List<(string Id, string ConversationId, string Text)> resend;
        lock (_gate)
        {
            resend = [.. _unacked.Select(u => (u.Key, u.Value.ConversationId, u.Value.Text))];
        }

        foreach (var (id, conversationId, text) in resend)
        {
            await WriteAsync(id, conversationId, text);
        }
    }

    /// <summary>A heartbeat up the open stream, as a device sends one every interval to stay online.</summary>
    public Task HeartbeatAsync() => WriteAsync(new ClientEvent { Heartbeat = new Protos.Presence.V1.HeartbeatRequest() });

    /// <summary>Waits until <paramref name="condition"/> holds, re-checked whenever something arrives.</summary>
    public Task WaitUntilAsync(Func<ChatDevice, bool> condition, TimeSpan? timeout = null, string? what = null) =>
        _changed.WaitUntilAsync(
            () => condition(this),
            timeout ?? DeviceStream.Timeout,
            () => $"{Session.Username}: not {what ?? "there"} in time; received {Received.Count}, acked {Acked.Count}, unacked {Unacked}, refused [{string.Join(", ", RefusedSends)}], duplicates {Duplicates}, gaps {Gaps}, ended {(Ended.IsCompleted ? Ended.Result?.Status.ToString() ?? "OK" : "no")}");

    public async ValueTask DisposeAsync()
    {
        _call?.Dispose();
        await _ended;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task WriteAsync(string clientMsgId, string conversationId, string text) =>
        WriteAsync(new ClientEvent { Send = new SendMessageRequest { ConversationId = conversationId, ClientMsgId = clientMsgId, Text = text } });

    private async Task WriteAsync(ClientEvent clientEvent)
    {
        await _writing.WaitAsync();
        try
        {
            await _call!.RequestStream.WriteAsync(clientEvent);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or ObjectDisposedException or IOException)
        {
            // The stream is down; a send waits for the next one.
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task<RpcException?> ReadAsync(AsyncDuplexStreamingCall<ClientEvent, ServerEvent> call, TaskCompletionSource caughtUp)
    {
        try
        {
            await foreach (var serverEvent in call.ResponseStream.ReadAllAsync())
            {
                lock (_gate)
                {
                    Take(serverEvent, caughtUp);
                }

                _changed.Notify();
            }

            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or IOException)
        {
            return new RpcException(new Status(StatusCode.Cancelled, e.Message));
        }
        finally
        {
            _changed.Notify();
        }
    }

    private void Take(ServerEvent serverEvent, TaskCompletionSource caughtUp)
    {
        switch (serverEvent.EventCase)
        {
            case ServerEvent.EventOneofCase.CaughtUp:
                caughtUp.TrySetResult();
                break;
            case ServerEvent.EventOneofCase.Rejected when serverEvent.Rejected.Request == RequestRejected.Types.Request.Send:
                _refusedSends.Add((StatusCode)serverEvent.Rejected.Code);
                break;
            case ServerEvent.EventOneofCase.Reconnect:
                ReconnectHints++;
                break;
            case ServerEvent.EventOneofCase.SendAccepted:
                _unacked.Remove(serverEvent.SendAccepted.ClientMsgId);
                _acked[serverEvent.SendAccepted.ClientMsgId] = serverEvent.SendAccepted;
                break;
            case ServerEvent.EventOneofCase.Message:
                var message = serverEvent.Message;
                var cursor = _cursors.GetValueOrDefault(message.ConversationId);
                if (message.Seq <= cursor)
                {
                    Duplicates++;
                    break;
                }

                // A cursor of 0 is a conversation this device has not seen: it starts wherever its membership does.
                if (cursor > 0 && message.Seq != cursor + 1)
                {
                    Gaps++;
                }

                _cursors[message.ConversationId] = message.Seq;
                if (message.BodyCase == Message.BodyOneofCase.Text)
                {
                    _received.Add(message);
                }

                break;
        }
    }
}
