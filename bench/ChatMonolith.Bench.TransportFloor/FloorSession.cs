using System.Threading.Channels;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;

namespace ChatMonolith.Bench.TransportFloor;

/// <summary>
/// One open stream, written as the host writes its streams (DeviceSession and ServerEventWriter): a bounded queue that
/// many producers fill and one writer drains, and a write with more queued behind it is only buffered.
/// </summary>
internal sealed class FloorSession(string userId)
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    // A stream that falls this far behind loses what does not fit, and the bench counts it as lost: the floor is
    // measured only where it keeps up.
    private readonly Channel<ServerEvent> _queue = Channel.CreateBounded<ServerEvent>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

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
