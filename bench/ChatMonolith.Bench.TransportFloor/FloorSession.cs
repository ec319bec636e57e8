using System.Threading.Channels;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;

namespace ChatMonolith.Bench.TransportFloor;

/// <summary>
/// One open stream, written as the host writes its streams (DeviceSession and ServerEventWriter): a queue that many
/// producers fill and one writer drains, and a write with more queued behind it is only buffered. Unlike the host's,
/// the queue has no bound: nothing is dropped (the bench does not count a dropped ack as lost), and a stream that
/// falls behind shows as latency.
/// </summary>
internal sealed class FloorSession(string userId)
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private readonly Channel<ServerEvent> _queue = Channel.CreateUnbounded<ServerEvent>(new UnboundedChannelOptions { SingleReader = true });

    public string UserId { get; } = userId;

    public void Send(ServerEvent serverEvent) => _queue.Writer.TryWrite(serverEvent);

    public void Close() => _queue.Writer.TryComplete();

    public async Task WriteLoopAsync(IServerStreamWriter<ServerEvent> stream, ServerCallContext context)
    {
        var buffered = false;
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (_queue.Reader.TryRead(out var serverEvent))
            {
                var moreFollows = _queue.Reader.TryPeek(out _);
                stream.WriteOptions = moreFollows ? Buffered : null;
                await stream.WriteAsync(serverEvent, CancellationToken.None);
                buffered = moreFollows;
            }

            if (buffered)
            {
                await context.GetHttpContext().Response.BodyWriter.FlushAsync();
                buffered = false;
            }
        }
    }
}
