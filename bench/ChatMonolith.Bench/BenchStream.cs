using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;

namespace ChatMonolith.Bench;

/// <summary>One device's open Connect stream: writes take turns, every server event goes to a callback.</summary>
internal sealed class BenchStream : IDisposable
{
    private readonly AsyncDuplexStreamingCall<ClientEvent, ServerEvent> _call;
    private readonly SemaphoreSlim _writeLock = new(1);
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BenchStream(AsyncDuplexStreamingCall<ClientEvent, ServerEvent> call, Action<ServerEvent> onEvent)
    {
        _call = call;
        Receiving = ReceiveAsync(onEvent);
    }

    public Task CaughtUp => _caughtUp.Task;

    public Task Receiving { get; }

    public static async Task<BenchStream> OpenAsync(BenchDevice device, Action<ServerEvent> onEvent, params ConversationCursor[] cursors)
    {
        var call = new ChatStreamService.ChatStreamServiceClient(device.Channel).Connect(device.Auth);
        var stream = new BenchStream(call, onEvent);
        await stream.WriteAsync(new ClientEvent { Hello = new Hello { Cursors = { cursors } } });
        return stream;
    }

    public async Task WriteAsync(ClientEvent clientEvent)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _call.RequestStream.WriteAsync(clientEvent);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the request side of the stream: a goodbye, after which the server ends the stream.</summary>
    public async Task GoodbyeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Tears the call down without a goodbye, as a dropped connection would.</summary>
    public void Dispose()
    {
        _call.Dispose();
        _writeLock.Dispose();
    }

    private async Task ReceiveAsync(Action<ServerEvent> onEvent)
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None))
            {
                if (_call.ResponseStream.Current.EventCase == ServerEvent.EventOneofCase.CaughtUp)
                {
                    _caughtUp.TrySetResult();
                }

                onEvent(_call.ResponseStream.Current);
            }

            _caughtUp.TrySetException(new InvalidOperationException("the stream ended before catching up"));
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            _caughtUp.TrySetCanceled();
        }
        catch (RpcException e)
        {
            _caughtUp.TrySetException(e);
        }
    }
}
