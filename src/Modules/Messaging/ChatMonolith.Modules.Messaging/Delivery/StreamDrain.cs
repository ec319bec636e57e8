using ChatMonolith.Modules.Messaging.Delivery.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// SIGTERM (a deploy, a scale-in) drains the host: the moment the application starts stopping, before Kestrel stops
/// taking requests, every stream is told to reconnect elsewhere and winds down once its accepted sends are answered.
/// The host then exits within <c>Host:DrainTimeout</c>, Kestrel's and the hosted services' shutdown time.
/// </summary>
internal sealed class StreamDrain(IHostApplicationLifetime lifetime, DeliveryRouter router, LiveStreams live, ILogger<StreamDrain> logger)
    : IHostedService
{
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(Drain);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _stopping.DisposeAsync().AsTask();

    private void Drain()
    {
        var streams = router.DrainAll();
        logger.LogInformation("Draining: {Streams} streams were told to reconnect elsewhere", streams);
        // Other hosts stop counting this one's streams as live at once, not after its lease.
        _ = live.EndLeaseAsync().ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
