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
/// <para>
/// A host alone in its deployment publishes nothing (<see cref="PeersAlive"/>): no other host could hold a stream. A
/// host that joins (or comes back after its lease lapsed) says so on the hosts' channel and waits until every host
/// there has answered that it publishes from now on, before it takes streams (<see cref="JoinAsync"/>).
/// </para>
/// </summary>
internal sealed class RedisRoutes : IAsyncDisposable
{
    /// <summary>How long a joining host waits for the others' answers: a host that has not answered by then is in trouble of its own.</summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(2);

    private readonly ConfigurationOptions _options;
    private readonly string _prefix;
    private readonly MessagingMetrics _metrics;
    private readonly ILogger<RedisRoutes> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, UserChannel> _channels = [];
    private readonly SemaphoreSlim _reconnecting = new(1, 1);
    private volatile ConnectionMultiplexer? _connection;
    private readonly byte[] _ownOrigin;
    private ChannelMessageQueue? _hostQueue;
    private ChannelMessageQueue? _hostsQueue;
    private ChannelMessageQueue? _forwardsQueue;
    private ChannelMessageQueue? _answersQueue;
    private (string Nonce, TaskCompletionSource Arrived)? _probe;
    private (int Expected, int Seen, TaskCompletionSource All)? _join;
    private volatile bool _peersAlive = true;
    private long _joinsHeard;

    public RedisRoutes(IConfiguration configuration, MessagingMetrics metrics, ILogger<RedisRoutes> logger)
    {
        _options = RedisSettings.Options(configuration);
        _options.ClientName = $"chat-routing-{HostId[..8]}";
        _prefix = RedisSettings.KeyPrefix(configuration);
        (_metrics, _logger) = (metrics, logger);
        // How a publish of this host begins (field 1, the origin, is written first): its own come back on the
        // channels it subscribes to, and are dropped before they are parsed.
        _ownOrigin = new RoutedEvents { Origin = HostId }.ToByteArray();
    }

    /// <summary>This process, among the deployment's hosts.</summary>
    public string HostId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Events another host published for a user whose streams this host holds.</summary>
    public Action<Guid, RoutedEvents>? Arrived { get; set; }

    /// <summary>Subscriptions are back after a time in which publishes may have been lost.</summary>
    public Action? Restored { get; set; }

    /// <summary>Whether publishes can reach other hosts now.</summary>
    public bool IsConnected => _connection is { IsConnected: true };

    /// <summary>
    /// Whether another host of the deployment is alive (its lease runs, or it just joined); while none is, nothing is
    /// published. True until the first lease renewal says otherwise.
    /// </summary>
    public bool PeersAlive => _peersAlive;

    /// <summary>The deployment's hosts whose lease ran at the last renewal, this one included (none before the first).</summary>
    public IReadOnlyList<string> LiveHosts { get; set; } = [];

    /// <summary>
    /// A send forwarded to this host, which writes its conversation (<see cref="Features.Send.Forwarding.ForwardedSends"/>):
    /// awaited one after another, in the order they were published.
    /// </summary>
    public Func<byte[], Task>? ForwardArrived { get; set; }

    /// <summary>The answer to a send this host forwarded (<see cref="Features.Send.Forwarding.SendRouting"/>).</summary>
    public Action<byte[]>? AnswerArrived { get; set; }

    /// <summary>How many joins of other hosts this one has heard: a renewal's count is stale if one came meanwhile.</summary>
    public long JoinsHeard
    {
        get
        {
            lock (_gate)
            {
                return _joinsHeard;
            }
        }
    }

    /// <summary>
    /// What a lease renewal found: <paramref name="alive"/> hosts, this one included. A join heard since
    /// <paramref name="joinsBefore"/> (the renewal's count may predate that host's lease) keeps publishing on.
    /// </summary>
    public void UpdatePeers(int alive, long joinsBefore)
    {
        bool before, after;
        lock (_gate)
        {
            before = _peersAlive;
            if (_joinsHeard == joinsBefore)
            {
                _peersAlive = alive > 1;
            }

            after = _peersAlive;
        }

        if (before && !after)
        {
            _logger.LogInformation("No other host is alive: publishing nothing");
        }
        else if (!before && after)
        {
            _logger.LogInformation("Another host is alive: publishing for it");
        }
    }

    /// <summary>Opens the pub/sub connection; with Redis away it returns after the connect timeout and keeps trying.</summary>
    public async Task ConnectAsync()
    {
        var connection = await OpenAsync();
        _connection = connection;
        await SubscribeHostChannelAsync(connection);
    }

    /// <summary>
    /// Tells every host that this one is here, and waits (at most <paramref name="timeout"/>) until each that heard it has
    /// answered: from then on they publish for this host's streams, so a stream it opens misses nothing committed
    /// elsewhere that its catch-up does not read. False when Redis did not answer or not every host did in time.
    /// </summary>
    /// <param name="catchUpOthers">
    /// This host could not publish for a while (its connection was down or dead): every other host's streams catch up.
    /// </param>
    public async Task<bool> JoinAsync(TimeSpan timeout, bool catchUpOthers = false)
    {
        if (_connection is not { IsConnected: true } connection)
        {
            return false;
        }

        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _join = (Expected: int.MaxValue, Seen: 0, All: all);
        }

        try
        {
            // Every host, this one included, subscribes to the hosts' channel: the count says how many answers to expect.
            var heard = await connection.GetSubscriber().PublishAsync(HostsChannelName, new RoutedEvents { Origin = HostId, Joined = true, CatchUp = catchUpOthers }.ToByteArray())
                .WaitAsync(timeout);
            lock (_gate)
            {
                var seen = _join?.Seen ?? 0;
                _join = (Expected: (int)heard - 1, Seen: seen, All: all);
                if (seen >= heard - 1)
                {
                    all.TrySetResult();
                }
            }

            await all.Task.WaitAsync(timeout);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
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
        if (_peersAlive)
        {
            Publish(userId, Encode(events));
        }
    }

    /// <summary>The events as this host publishes them: one encoding may go to many users' channels.</summary>
    public byte[] Encode(RoutedEvents events)
    {
        events.Origin = HostId;
        return events.ToByteArray();
    }

    /// <summary>Publishes events encoded by <see cref="Encode"/> on the user's channel, as <see cref="Publish(Guid, RoutedEvents)"/> does.</summary>
    public void Publish(Guid userId, byte[] payload)
    {
        if (_peersAlive)
        {
            (PublishTo(UserChannelName(userId), payload) ? _metrics.RoutingPublishes : _metrics.RoutingPublishesSkipped).Add(1);
        }
    }

    /// <summary>
    /// Puts a send on the channel of the host that writes its conversation, without waiting; false when it could not
    /// go (the connection is down). Publishes from one host reach the other in the order they were made.
    /// </summary>
    public bool PublishForward(string hostId, byte[] payload) => PublishTo(ForwardsChannelName(hostId), payload);

    /// <summary>Answers a forwarded send on the channel of the host that forwarded it, without waiting.</summary>
    public bool PublishAnswer(string hostId, byte[] payload) => PublishTo(AnswersChannelName(hostId), payload);

    /// <summary>One fire-and-forget publish; false, without waiting, while the connection is down.</summary>
    private bool PublishTo(RedisChannel channel, byte[] payload)
    {
        if (_connection is not { IsConnected: true } connection)
        {
            return false;
        }

        try
        {
            connection.GetSubscriber().Publish(channel, payload, CommandFlags.FireAndForget);
            return true;
        }
        catch (RedisException)
        {
            return false;
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

        // Other hosts may have stopped publishing for this one while it was away (its lease lapsed): they start
        // again before its streams read what they missed. And what this host committed meanwhile was published to
        // no one (or into a dead connection): the other hosts' streams read it too.
        await JoinAsync(JoinTimeout, catchUpOthers: true);
        Restored?.Invoke();
    }

    /// <summary>Every stream reads from the log what routed publishes may not have brought.</summary>
    public void CatchUpAll() => Restored?.Invoke();

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }
    }

    private RedisChannel HostChannelName => RedisChannel.Sharded($"{_prefix}messaging:host:{HostId}");

    private RedisChannel HostsChannelName => RedisChannel.Sharded($"{_prefix}messaging:hosts");

    private RedisChannel ForwardsChannelName(string hostId) => RedisChannel.Sharded($"{_prefix}messaging:host:{hostId}:sends");

    private RedisChannel AnswersChannelName(string hostId) => RedisChannel.Sharded($"{_prefix}messaging:host:{hostId}:answers");

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

        // Other hosts may have stopped publishing for this one while it was away (its lease lapsed): they start
        // again before its streams read what they missed. And what this host committed meanwhile was published to
        // no one (or into a dead connection): the other hosts' streams read it too.
        await JoinAsync(JoinTimeout, catchUpOthers: true);
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
                if (_probe is not { } probe)
                {
                    return;
                }

                var events = RoutedEvents.Parser.ParseFrom((byte[])message.Message!);
                if (probe.Nonce == events.Probe)
                {
                    probe.Arrived.TrySetResult();
                }
            });
            Forget(Interlocked.Exchange(ref _hostQueue, queue));
            var forwards = await connection.GetSubscriber().SubscribeAsync(ForwardsChannelName(HostId));
            forwards.OnMessage(message => ForwardArrived is { } arrived ? arrived((byte[])message.Message!) : Task.CompletedTask);
            Forget(Interlocked.Exchange(ref _forwardsQueue, forwards));
            var answers = await connection.GetSubscriber().SubscribeAsync(AnswersChannelName(HostId));
            answers.OnMessage(message => AnswerArrived?.Invoke((byte[])message.Message!));
            Forget(Interlocked.Exchange(ref _answersQueue, answers));
            var hosts = await connection.GetSubscriber().SubscribeAsync(HostsChannelName);
            hosts.OnMessage(message => OnHostsMessage(connection, message.Message));
            Forget(Interlocked.Exchange(ref _hostsQueue, hosts));
        }
        catch (RedisException e)
        {
            _logger.LogDebug("Subscribing to this host's channels failed, it is retried when Redis is back: {Reason}", e.Message);
        }
    }

    /// <summary>A host joined: publish for it from now on, and tell it so. Or: a host answered this one's join.</summary>
    private void OnHostsMessage(ConnectionMultiplexer connection, RedisValue payload)
    {
        RoutedEvents events;
        try
        {
            events = RoutedEvents.Parser.ParseFrom((byte[])payload!);
        }
        catch (InvalidProtocolBufferException e)
        {
            _logger.LogWarning(e, "Dropped an undecodable message on the hosts' channel");
            return;
        }

        if (events.Origin == HostId)
        {
            return;
        }

        if (events.Joined)
        {
            lock (_gate)
            {
                _joinsHeard++;
                _peersAlive = true;
            }

            _logger.LogInformation("Host {Host} joined: publishing for it", events.Origin);
            if (events.CatchUp)
            {
                // It could not publish for a while: what it committed meanwhile reaches these streams from the log.
                _logger.LogInformation("Host {Host} could not publish for a while; catching every stream up from the log", events.Origin);
                Restored?.Invoke();
            }

            connection.GetSubscriber().Publish(HostsChannelName, new RoutedEvents { Origin = HostId, Seen = events.Origin }.ToByteArray(), CommandFlags.FireAndForget);
        }
        else if (events.Seen == HostId)
        {
            lock (_gate)
            {
                if (_join is { } join)
                {
                    _join = join with { Seen = join.Seen + 1 };
                    if (join.Seen + 1 >= join.Expected)
                    {
                        join.All.TrySetResult();
                    }
                }
            }
        }
    }

    private void OnArrived(Guid userId, RedisValue payload)
    {
        if (((ReadOnlyMemory<byte>)payload).Span.StartsWith(_ownOrigin))
        {
            return; // this host's own publish, delivered here already
        }

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
