using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// Writes one device's stream. A write that has more right behind it is only buffered, so a burst (a group's
/// traffic, a catch-up page) reaches the socket in one flush instead of one each; <see cref="FlushAsync"/> sends
/// whatever is still buffered.
/// </summary>
internal sealed class ServerEventWriter(IServerStreamWriter<ServerEvent> stream, ServerCallContext call)
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private bool _buffered;

    /// <summary>A write is waiting in the buffer for a flush.</summary>
    public bool HasBuffered => _buffered;

    // A write is never cancelled half-way: that would reset the whole HTTP/2 stream and the device would see
    // CANCELLED instead of why it was cut off. A write blocked by a device that stopped reading ends when it reads
    // again or when Kestrel's keep-alive pings find the connection dead.
    public async Task WriteAsync(ServerEvent serverEvent, bool moreFollows)
    {
        stream.WriteOptions = moreFollows ? Buffered : null;
        await stream.WriteAsync(serverEvent, CancellationToken.None);
        _buffered = moreFollows;
    }

    public async Task FlushAsync()
    {
        if (_buffered)
        {
            await call.GetHttpContext().Response.BodyWriter.FlushAsync(CancellationToken.None);
            _buffered = false;
        }
    }
}
