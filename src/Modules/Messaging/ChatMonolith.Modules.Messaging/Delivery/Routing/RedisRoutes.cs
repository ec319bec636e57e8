using ChatMonolith.BuildingBlocks.Redis;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ChatMonolith.Modules.Messaging.Delivery.Routing;

/// <summary>
/// Redis pub/sub between hosts (docs/adr/0020): one sharded channel per user, to which a host subscribes while it
/// holds a stream of that user; whoever delivers publishes to each recipient's channel without waiting for Redis.
/// Pub/sub is best effort: when the subscription connection comes back (or the probe finds it silently dead and
/// replaces it), <see cref="Restored"/> tells the router to catch every stream up from the log.
/// </summary>
internal sealed class RedisRoutes : IAsyncDisposable
{
    private readonly ConfigurationOptions _options;
    private readonly string _prefix;
    private readonly MessagingMetrics _metrics;
    private readonly ILogger<RedisRoutes> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, UserChannel> _channels = [];
    private readonly SemaphoreSlim _reconnecting = new(1, 1);
    private volatile ConnectionMultiplexer? _connection;
    private ChannelMessageQueue? _hostQueue;
    private (string Nonce, TaskCompletionSource Arrived)? _probe;

    public RedisRoutes(IConfiguration configuration, MessagingMetrics metrics, ILogger<RedisRoutes> logger)
    {
        _options = RedisSettings.Options(configuration);
        _options.ClientName = $"chat-routing-{HostId[..8]}";
        _prefix = RedisSettings.KeyPrefix(configuration);
        (_metrics, _logger) = (metrics, logger);
    }

    /// <summary>This process, among the deployment's hosts.</summary>
    public string HostId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Events another host published for a user whose streams this host holds.</summary>
    public Action<Guid, RoutedEvents>? Arrived { get; set; }

    /// <summary>Subscriptions are back after a time in which publishes may have been lost.</summary>
    public Action? Restored { get; set; }

    /// <summary>Whether publishes can reach other hosts now.</summary>
    public bool IsConnected => _connection is { IsConnected: true };

    /// <summary>Opens the pub/sub connection; with Redis away it returns after the connect timeout and keeps trying.</summary>
    public async Task ConnectAsync()
    {
        var connection = await OpenAsync();
        _connection = connection;
        await SubscribeHostChannelAsync(connection);
    }

    /// <summary>Subscribes to the user's channel for one more of their streams; never throws (Redis away: see <see cref="RestoreAsync"/>).</summary>
    public Task SubscribeAsync(Guid userId)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(userId, out var channel))
            {
                channel = new UserChannel();
                _channels[userId] = channel;
                channel.Subscribed = SubscribeChannelAsync(userId, channel, _connection);
            }

            channel.Streams++;
            return channel.Subscribed;
        }
    }

    /// <summary>One stream fewer of the user; the last one's end unsubscribes.</summary>
    public void Unsubscribe(Guid userId)
    {
        ChannelMessageQueue? queue;
        lock (_gate)
        {
            if (!_channels.TryGetValue(userId, out var channel) || --channel.Streams > 0)
            {
                return;
            }

            _channels.Remove(userId);
            queue = channel.Queue;
            channel.Queue = null;
        }

        Forget(queue);
    }

    /// <summary>
    /// Puts the events on the user's channel for the other hosts, without waiting: a fire-and-forget command, pipelined
    /// with the others on the connection. Nothing is sent while the connection is down; the streams those events
    /// missed catch up from the log when it is back.
    /// </summary>
    public void Publish(Guid userId, RoutedEvents events)
    {
        if (_connection is not { IsConnected: true } connection)
        {
            _metrics.RoutingPublishesSkipped.Add(1);
            return;
        }

        events.Origin = HostId;
        try
        {
            connection.GetSubscriber().Publish(UserChannelName(userId), events.ToByteArray(), CommandFlags.FireAndForget);
            _metrics.RoutingPublishes.Add(1);
        }
        catch (RedisException)
        {
            _metrics.RoutingPublishesSkipped.Add(1);
        }
    }

    /// <summary>
    /// Publishes a nonce on this host's own channel and waits for it to come back: false when the connection looks up
    /// but delivers nothing (Centrifugo's issue #1189), or when Redis is away.
    /// </summary>
    public async Task<bool> ProbeAsync(TimeSpan timeout)
    {
        if (_connection is not { IsConnected: true } connection)
        {
            return false;
        }

        var probe = (Nonce: Guid.NewGuid().ToString("N"), Arrived: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _probe = probe;
        try
        {
            await connection.GetSubscriber().PublishAsync(HostChannelName, new RoutedEvents { Origin = HostId, Probe = probe.Nonce }.ToByteArray())
                .WaitAsync(timeout);
            await probe.Arrived.Task.WaitAsync(timeout);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Replaces a pub/sub connection that delivers nothing with a new one, subscribes everything again on it, and
    /// tells the router to catch its streams up.
    /// </summary>
    public async Task ReconnectAsync()
    {
        if (!await _reconnecting.WaitAsync(0))
        {
            return;
        }

        try
        {
            var old = _connection;
            var connection = await OpenAsync();
            _connection = connection;
            await SubscribeHostChannelAsync(connection);
            await ResubscribeAllAsync(connection);
            if (old is not null)
            {
                await old.DisposeAsync();
            }
        }
        finally
        {
            _reconnecting.Release();
        }

        Restored?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }
    }

    private RedisChannel HostChannelName => RedisChannel.Sharded($"{_prefix}messaging:host:{HostId}");

    private RedisChannel UserChannelName(Guid userId) => RedisChannel.Sharded($"{_prefix}messaging:user:{userId:N}");

    private async Task<ConnectionMultiplexer> OpenAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(_options);
        connection.ConnectionRestored += (_, e) =>
        {
            // Only the current connection's comeback counts; a replaced one is on its way out.
            if (e.ConnectionType == ConnectionType.Subscription && ReferenceEquals(connection, _connection))
            {
                _ = RestoreAsync(connection);
            }
        };
        return connection;
    }

    /// <summary>The subscription connection is back: publishes made meanwhile are lost to this host.</summary>
    private async Task RestoreAsync(ConnectionMultiplexer connection)
    {
        _logger.LogInformation("The pub/sub connection to Redis is back; catching every stream up from the log");
        await _reconnecting.WaitAsync();
        try
        {
            await SubscribeHostChannelAsync(connection);
            await ResubscribeAllAsync(connection);
        }
        finally
        {
            _reconnecting.Release();
        }

        Restored?.Invoke();
    }

    /// <summary>
    /// Subscribes every user channel again on <paramref name="connection"/>, in one pipelined burst: the library
    /// resubscribes what it knows by itself, but not what failed while Redis was away, nor on a new connection.
    /// </summary>
    private async Task ResubscribeAllAsync(ConnectionMultiplexer connection)
    {
        List<(Guid UserId, UserChannel Channel)> all;
        lock (_gate)
        {
            all = [.. _channels.Select(c => (c.Key, c.Value))];
        }

        await Task.WhenAll(all.Select(async c =>
        {
            var previous = c.Channel.Queue;
            await SubscribeChannelAsync(c.UserId, c.Channel, connection);
            if (!ReferenceEquals(previous, c.Channel.Queue))
            {
                Forget(previous);
            }
        }));
    }

    private async Task SubscribeChannelAsync(Guid userId, UserChannel channel, ConnectionMultiplexer? connection)
    {
        if (connection is null)
        {
            return;
        }

        ChannelMessageQueue queue;
        try
        {
            queue = await connection.GetSubscriber().SubscribeAsync(UserChannelName(userId));
        }
        catch (RedisException e)
        {
            _logger.LogDebug("Subscribing to user {UserId}'s channel failed, it is retried when Redis is back: {Reason}", userId, e.Message);
            return;
        }

        queue.OnMessage(message => OnArrived(userId, message.Message));
        bool wanted;
        lock (_gate)
        {
            // The user's last stream may have ended while this subscribed.
            wanted = _channels.TryGetValue(userId, out var current) && ReferenceEquals(current, channel);
            if (wanted)
            {
                channel.Queue = queue;
            }
        }

        if (!wanted)
        {
            Forget(queue);
        }
    }

    private async Task SubscribeHostChannelAsync(ConnectionMultiplexer connection)
    {
        try
        {
            var queue = await connection.GetSubscriber().SubscribeAsync(HostChannelName);
            queue.OnMessage(message =>
            {
                var events = RoutedEvents.Parser.ParseFrom((byte[])message.Message!);
                if (_probe is { } probe && probe.Nonce == events.Probe)
                {
                    probe.Arrived.TrySetResult();
                }
            });
            Forget(Interlocked.Exchange(ref _hostQueue, queue));
        }
        catch (RedisException e)
        {
            _logger.LogDebug("Subscribing to this host's channel failed, it is retried when Redis is back: {Reason}", e.Message);
        }
    }

    private void OnArrived(Guid userId, RedisValue payload)
    {
        try
        {
            var events = RoutedEvents.Parser.ParseFrom((byte[])payload!);
            if (events.Origin != HostId)
            {
                _metrics.RoutingArrivals.Add(1);
                Arrived?.Invoke(userId, events);
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            // A host of a release that does not speak this one's words: nothing a stream could use.
            _logger.LogWarning(e, "Dropped an undecodable routed event for user {UserId}", userId);
        }
    }

    private void Forget(ChannelMessageQueue? queue)
    {
        if (queue is not null)
        {
            _ = queue.UnsubscribeAsync(CommandFlags.FireAndForget).ContinueWith(
                t => _logger.LogDebug(t.Exception, "Unsubscribing failed"), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>A user's channel while this host holds streams of theirs.</summary>
    private sealed class UserChannel
    {
        public int Streams { get; set; }

        public Task Subscribed { get; set; } = Task.CompletedTask;

        public ChannelMessageQueue? Queue { get; set; }
    }
}
