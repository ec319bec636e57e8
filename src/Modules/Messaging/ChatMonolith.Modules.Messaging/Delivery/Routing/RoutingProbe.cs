using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatMonolith.Modules.Messaging.Delivery.Routing;

/// <summary>
/// Connects the routing at start, then every <see cref="MessagingOptions.RoutingProbeInterval"/> renews this host's
/// lease and sends a probe through Redis to itself. A connection that says it is up but delivers no probe is
/// silently dead (a host delivered nothing while its health stayed green: Centrifugo's issue #1189); it is replaced,
/// and every stream catches up.
/// </summary>
internal sealed class RoutingProbe(RedisRoutes routes, LiveStreams live, IOptions<MessagingOptions> options, MessagingMetrics metrics, ILogger<RoutingProbe> logger)
    : BackgroundService
{
    private bool _renewed;
    private bool _joinUnanswered;

    /// <summary>Before the host takes streams: connected, leased, and every other host publishing for it.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await routes.ConnectAsync();
        await RenewLeaseAsync();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await live.EndLeaseAsync();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogDebug("Ending this host's lease failed; it lapses by itself: {Reason}", e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RoutingProbeInterval);
        do
        {
            if (await RenewLeaseAsync())
            {
                // Other hosts did not publish for this one while its lease had lapsed.
                routes.CatchUpAll();
            }

            // A connection that is down reconnects by itself, and says so; only one that looks up is probed.
            if (routes.IsConnected && !await routes.ProbeAsync(options.Value.RoutingProbeTimeout) && routes.IsConnected)
            {
                metrics.RoutingProbeFailures.Add(1);
                logger.LogWarning("The pub/sub connection to Redis looks up but did not deliver this host's probe within {Timeout}; replacing it",
                    options.Value.RoutingProbeTimeout);
                try
                {
                    await routes.ReconnectAsync();
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    logger.LogWarning("Replacing the pub/sub connection failed, tried again at the next probe: {Reason}", e.Message);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    /// <returns>True when the host joined (again): its lease had lapsed, this is the first renewal, or the last join was not answered by all.</returns>
    private async Task<bool> RenewLeaseAsync()
    {
        try
        {
            var joinsBefore = routes.JoinsHeard;
            var (lapsed, hosts) = await live.RenewLeaseAsync();
            var alive = hosts.Count;
            routes.LiveHosts = hosts;
            if (lapsed || _joinUnanswered)
            {
                // The others learn of this host first, so its peers flag below cannot miss one that joins meanwhile.
                // A join that not every host answered (one was still reconnecting) is made again at the next renewal,
                // and the streams catch up again after it: until every host has answered, one may not publish here.
                _joinUnanswered = !await routes.JoinAsync(RedisRoutes.JoinTimeout);
                if (_joinUnanswered)
                {
                    logger.LogWarning("Not every host answered this one's join within {Timeout}; joining again at the next renewal", RedisRoutes.JoinTimeout);
                }

                // At start the count stands. Later, publishing goes on: a host whose own lease lapsed (Redis away)
                // may count the others before they are back; the next renewal decides.
                if (!_renewed)
                {
                    routes.UpdatePeers(alive, joinsBefore);
                }

                _renewed = true;
                return true;
            }

            _renewed = true;
            // Alone: nothing to publish. A host that joins says so at once (JoinAsync), before it takes streams.
            routes.UpdatePeers(alive, joinsBefore);
            return false;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogDebug("Renewing this host's lease failed: {Reason}", e.Message);
            return false;
        }
    }
}
