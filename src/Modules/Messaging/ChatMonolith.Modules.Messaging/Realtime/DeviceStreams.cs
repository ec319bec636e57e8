using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts.Stream;
using ChatMonolith.Protos.Messaging.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Realtime;

/// <summary>Opens a device's stream: registers it with the router, catches it up, then delivers live traffic until it ends.</summary>
internal sealed class DeviceStreams(
    DeliveryRouter router, DeliveryLog log, IOptions<MessagingOptions> options, TimeProvider clock, IMessageBus bus, ILogger<DeviceStreams> logger)
{
    /// <param name="readLoop">Reads what the device sends up (Connect); null for a receive-only stream (Subscribe).</param>
    public async Task RunAsync(
        Caller caller,
        IReadOnlyDictionary<Guid, long> cursors,
        ServerEventWriter stream,
        Func<DeviceSession, CancellationToken, Task>? readLoop,
        CancellationToken callCancelled)
    {
        using var session = new DeviceSession(caller, options.Value.OutboundQueueCapacity);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(callCancelled, session.Ended);
        // Registered before the catch-up reads the database, so nothing committed in between is missed;
        // what arrives twice is dropped by seq.
        router.Register(session);
        await TellAsync(new DeviceConnected(caller.UserId, caller.DeviceId));
        var graceful = false;
        try
        {
            var delivery = new OrderedDelivery(session, log, stream, options.Value.CatchUpPageSize, clock);
            var writing = WriteAsync(delivery, cursors, stop.Token);
            var reading = readLoop is null ? Task.Delay(Timeout.Infinite, stop.Token) : readLoop(session, stop.Token);
            var first = await Task.WhenAny(writing, reading);
            // The device closed its side of the stream: a goodbye, not a lost connection.
            graceful = readLoop is not null && first == reading && reading.IsCompletedSuccessfully;
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
            await TellAsync(new DeviceDisconnected(caller.UserId, caller.DeviceId, graceful));
        }

        if (session.EndedBy is { } reason)
        {
            throw reason;
        }
    }

    /// <summary>Presence hears of the stream's start and end; its failure (Redis away) must not break the stream.</summary>
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

    private static async Task WriteAsync(OrderedDelivery delivery, IReadOnlyDictionary<Guid, long> cursors, CancellationToken cancellationToken)
    {
        await delivery.CatchUpAsync(cursors, cancellationToken);
        await delivery.RunAsync(cancellationToken);
    }
}
