using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts.Devices;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>Opens a device's stream: registers it with the router, catches it up, then delivers live traffic until it ends.</summary>
internal sealed class DeviceStreams(
    DeliveryRouter router, DeliveryLog log, IOptions<MessagingOptions> options, TimeProvider clock, IMessageBus bus, MessagingMetrics metrics,
    ILogger<DeviceStreams> logger)
{
    private static readonly TimeSpan GoodbyeWriteTimeout = TimeSpan.FromSeconds(5);

    /// <param name="readLoop">
    /// Reads what the device sends up (Connect), and tells whether the device closed its side (true) or the stream
    /// was cut under it (false); null for a receive-only stream (Subscribe).
    /// </param>
    /// <remarks>
    /// A stream that ends because its device went away (a reset, a lost connection: every reconnect of a phone) ends
    /// without an exception: one thrown up through every await of the call costs more than the rest of the stream's
    /// opening and closing together.
    /// </remarks>
    public async Task RunAsync(
        Caller caller,
        IReadOnlyDictionary<Guid, long> cursors,
        ServerEventWriter stream,
        Func<DeviceSession, CancellationToken, Task<bool>>? readLoop,
        CancellationToken callCancelled)
    {
        using var session = new DeviceSession(caller, options.Value.OutboundQueueCapacity, metrics);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(callCancelled, session.Ended);
        // A draining host reads no more requests but still writes the answers to those it took.
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, session.Draining);
        // Stopping ends the writer's wait for the next event by closing its queue rather than by cancelling it.
        using var closeQueue = stop.Token.Register(session.CloseQueue);
        // Registered (on every host) before the catch-up reads the database, so nothing committed in between is
        // missed; what arrives twice is dropped by seq.
        await router.RegisterAsync(session);
        metrics.OpenStreams.Add(1);
        // Presence hears of the device while the catch-up reads the database; the hello is answered (CaughtUp) only
        // once it has, so whoever watches the user sees them online by then.
        var connected = TellAsync(new DeviceConnected(caller.UserId, caller.DeviceId));
        var graceful = false;
        try
        {
            var delivery = new OrderedDelivery(session, log, stream, options.Value.CatchUpPageSize, options.Value.ReorderWait, clock, metrics);
            var writing = WriteAsync(delivery, cursors, connected, stop.Token);
            var reading = readLoop is null ? UntilStoppedAsync(stopReading.Token) : readLoop(session, stopReading.Token);
            var first = await Task.WhenAny(writing, reading);
            // The device closed its side of the stream: a goodbye, not a lost connection.
            graceful = readLoop is not null && first == reading && reading.IsCompletedSuccessfully && reading.Result && session.DrainedBy is null;
            // A malformed request ends the stream with its status, once the answers before it are written.
            var malformed = first == reading && reading.Exception?.InnerException is RpcException;
            if (graceful || malformed || (first == reading && session.DrainedBy is not null))
            {
                // What is queued for the device (the answers to its last requests among it) is still written; a device
                // that does not read it in time loses it, as if the connection had dropped.
                session.CloseQueue();
                await writing.WaitAsync(GoodbyeWriteTimeout, clock, callCancelled).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            await stop.CancelAsync();
            await Task.WhenAll(writing, reading).ContinueWith(_ => { }, TaskScheduler.Default);
            await first; // surfaces a failure of whichever ended first
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            router.Unregister(session);
            metrics.OpenStreams.Add(-1);
            await connected;
            await TellAsync(new DeviceDisconnected(caller.UserId, caller.DeviceId, graceful, Replaced: session.EndedBy?.Reason == DeliveryRouter.ReplacedReason));
        }

        if (session.EndedBy is { } reason)
        {
            throw reason;
        }

        // Drained: the device was told to reconnect elsewhere, and the status says so again.
        if (session.DrainedBy is { } drained && !callCancelled.IsCancellationRequested)
        {
            throw drained;
        }
    }

    /// <summary>
    /// Presence hears of the stream's start and end; its failure (Redis away) must not break the stream, so this never
    /// throws.
    /// </summary>
    private async Task TellAsync(object fact)
    {
        try
        {
            await bus.InvokeAsync(fact, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not report {Fact}", fact);
        }
    }

    /// <summary>A receive-only stream reads nothing: it waits for the call's end, which is not an error.</summary>
    private static async Task<bool> UntilStoppedAsync(CancellationToken stopped)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (stopped.Register(() => ended.TrySetResult()))
        {
            await ended.Task;
        }

        return false;
    }

    private static async Task WriteAsync(OrderedDelivery delivery, IReadOnlyDictionary<Guid, long> cursors, Task connected, CancellationToken cancellationToken)
    {
        await delivery.CatchUpAsync(cursors, connected, cancellationToken);
        await delivery.RunAsync(cancellationToken);
    }
}
