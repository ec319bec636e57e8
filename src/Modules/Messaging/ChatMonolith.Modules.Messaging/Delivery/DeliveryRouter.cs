using System.Collections.Concurrent;
using System.Collections.Immutable;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using ChatMonolith.Modules.Messaging.Delivery.Routing;
using ChatMonolith.Modules.Messaging.Grpc;
using ChatMonolith.Protos.Messaging.V1;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// The one seam through which everything reaches devices' streams, on every host. This host's streams get it at
/// once, from memory; other hosts through Redis, one channel per user (<see cref="RedisRoutes"/>, docs/adr/0020).
/// The log in PostgreSQL is the truth and pub/sub is best effort: what a stream missed it reads from the log.
/// </summary>
public sealed class DeliveryRouter
{
    /// <summary>The reason a stream ends with when a newer stream of its device took its place.</summary>
    internal const string ReplacedReason = "STREAM_REPLACED";

    private static readonly ChatException Replaced = ChatException.Aborted(ReplacedReason,
        "This device opened a newer stream; this one is closed. Do not reconnect it, or the two take turns.");

    private static readonly ChatException Revoked = ChatException.Unauthenticated("DEVICE_REVOKED", "This device was signed out.");

    private static readonly ChatException Draining = ChatException.Unavailable("SERVER_DRAINING",
        "This server is shutting down; reconnect, to any server, with the cursors you hold.");

    private readonly ConcurrentDictionary<Guid, ImmutableList<DeviceSession>> _sessionsByUser = new();
    private readonly RedisRoutes _routes;
    private readonly LiveStreams _live;
    private readonly ILogger<DeliveryRouter> _logger;
    private volatile bool _draining;

    internal DeliveryRouter(RedisRoutes routes, LiveStreams live, ILogger<DeliveryRouter> logger)
    {
        (_routes, _live, _logger) = (routes, live, logger);
        routes.Arrived = Arrived;
        routes.Restored = CatchUpAll;
    }

    /// <summary>
    /// Makes the session reachable from every host before its catch-up reads the log (so nothing committed meanwhile
    /// is missed), and ends the device's older streams, here and elsewhere. Waits on Redis only while it answers.
    /// </summary>
    internal async Task RegisterAsync(DeviceSession session)
    {
        if (_draining)
        {
            throw Draining;
        }

        var caller = session.Caller;
        _sessionsByUser.AddOrUpdate(caller.UserId, _ => [session], (_, sessions) => sessions.Add(session));
        var subscribed = _routes.SubscribeAsync(caller.UserId);
        try
        {
            session.Generation = await _live.ClaimAsync(caller);
        }
        catch
        {
            await subscribed;
            Unregister(session);
            throw;
        }

        await subscribed;
        EndOlderStreams(caller.UserId, caller.DeviceId, session.Generation);
        _routes.Publish(caller.UserId, new RoutedEvents
        {
            DeviceId = caller.DeviceId.ToString("N"),
            Ended = new StreamEnded { Reason = StreamEnded.Types.Reason.Replaced, Generation = session.Generation },
        });
    }

    internal void Unregister(DeviceSession session)
    {
        var userId = session.Caller.UserId;
        while (_sessionsByUser.TryGetValue(userId, out var sessions))
        {
            // A user with no open stream leaves no entry behind, so the map holds only who is connected.
            var remaining = sessions.Remove(session);
            var replaced = remaining.IsEmpty
                ? _sessionsByUser.TryRemove(KeyValuePair.Create(userId, sessions))
                : _sessionsByUser.TryUpdate(userId, remaining, sessions);
            if (replaced)
            {
                break;
            }
        }

        _routes.Unsubscribe(userId);
        _live.Release(session.Caller, session.Generation);
    }

    /// <summary>Committed conversation entries, each to its recipients' streams, with the conversation's new state when it changed.</summary>
    internal void Deliver(DeliverEntries request)
    {
        // One publish per recipient for the whole batch, each with that recipient's events in seq order; none while no
        // other host is alive. Recipients of the same entries (a group's members) share one encoded payload.
        var elsewhere = _routes.PeersAlive ? new Dictionary<Guid, List<int>>() : null;
        var events = elsewhere is null ? null : new List<(ServerEvent Message, ServerEvent? Changed)>(request.Entries.Count);
        foreach (var (recipientIds, entry, changed) in request.Entries)
        {
            var message = new ServerEvent { Message = MessagingProtoMapping.ToProto(entry) };
            var conversationChanged = changed is null ? null : new ServerEvent { ConversationChanged = MessagingProtoMapping.Changed(changed) };
            var position = new EntryPosition(entry.ConversationId, entry.Seq);
            events?.Add((message, conversationChanged));
            foreach (var userId in recipientIds)
            {
                if (_sessionsByUser.TryGetValue(userId, out var sessions))
                {
                    foreach (var session in sessions)
                    {
                        session.Deliver(position, message);
                        if (conversationChanged is not null)
                        {
                            session.Send(conversationChanged);
                        }
                    }
                }

                if (elsewhere is null)
                {
                    continue;
                }

                if (!elsewhere.TryGetValue(userId, out var indices))
                {
                    elsewhere[userId] = indices = [];
                }

                indices.Add(events!.Count - 1);
            }
        }

        if (elsewhere is null)
        {
            return;
        }

        var payloads = new Dictionary<List<int>, byte[]>(EntryListComparer.Instance);
        foreach (var (userId, indices) in elsewhere)
        {
            if (!payloads.TryGetValue(indices, out var payload))
            {
                var routed = new RoutedEvents();
                foreach (var index in indices)
                {
                    var (message, changed) = events![index];
                    routed.Events.Add(message);
                    if (changed is not null)
                    {
                        routed.Events.Add(changed);
                    }
                }

                payloads[indices] = payload = _routes.Encode(routed);
            }

            _routes.Publish(userId, payload);
        }
    }

    /// <summary>An event for these users' devices that needs no ordering against the conversation's log.</summary>
    internal void Notify(IReadOnlyList<Guid> userIds, ServerEvent serverEvent) =>
        Notify([.. userIds.Select(id => new DeviceTarget(id, null))], serverEvent);

    /// <summary>An event for some users' devices, or for one device of a user.</summary>
    internal void Notify(IReadOnlyList<DeviceTarget> targets, ServerEvent serverEvent)
    {
        foreach (var target in targets)
        {
            NotifyHere(target.UserId, target.DeviceId, serverEvent);
            if (!_routes.PeersAlive)
            {
                continue;
            }

            var routed = new RoutedEvents { DeviceId = target.DeviceId?.ToString("N") ?? "" };
            routed.Events.Add(serverEvent);
            _routes.Publish(target.UserId, routed);
        }
    }

    /// <summary>The device was signed out: its streams end, on whichever host.</summary>
    internal void Revoke(Guid userId, Guid deviceId)
    {
        EndHere(userId, deviceId, Revoked);
        _routes.Publish(userId, new RoutedEvents
        {
            DeviceId = deviceId.ToString("N"),
            Ended = new StreamEnded { Reason = StreamEnded.Types.Reason.Revoked },
        });
    }

    /// <summary>
    /// The host is shutting down: no new stream is taken, and every open one is told to reconnect elsewhere, then
    /// ends once its accepted sends are answered (<see cref="DeviceStreams"/>).
    /// </summary>
    internal int DrainAll()
    {
        _draining = true;
        var sessions = _sessionsByUser.Values.SelectMany(s => s).ToList();
        foreach (var session in sessions)
        {
            session.Drain(Draining);
        }

        return sessions.Count;
    }

    /// <summary>The devices with a live stream, as Redis knows them; with Redis away, those on this host.</summary>
    internal async Task<LiveDevices> FindLiveAsync(IReadOnlyList<Guid> userIds)
    {
        var here = userIds
            .SelectMany(id => _sessionsByUser.TryGetValue(id, out var sessions) ? sessions.Select(s => new DeviceTarget(id, s.Caller.DeviceId)) : []);
        try
        {
            return new LiveDevices([.. (await _live.FindAsync(userIds)).Concat(here).Distinct()]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogDebug("Redis did not answer which devices are live; answering with this host's: {Reason}", e.Message);
            return new LiveDevices([.. here.Distinct()]);
        }
    }

    /// <summary>What another host published for a user whose streams are here.</summary>
    private void Arrived(Guid userId, RoutedEvents routed)
    {
        Guid? deviceId = routed.DeviceId.Length > 0 ? Guid.ParseExact(routed.DeviceId, "N") : null;
        if (routed.Ended is { } ended && deviceId is { } device)
        {
            if (ended.Reason == StreamEnded.Types.Reason.Replaced)
            {
                EndOlderStreams(userId, device, ended.Generation);
            }
            else if (ended.Reason == StreamEnded.Types.Reason.Revoked)
            {
                EndHere(userId, device, Revoked);
            }
        }

        if (routed.Events.Count == 0 || !_sessionsByUser.TryGetValue(userId, out var sessions))
        {
            return;
        }

        foreach (var serverEvent in routed.Events)
        {
            if (serverEvent.EventCase == ServerEvent.EventOneofCase.Message)
            {
                var position = new EntryPosition(Guid.Parse(serverEvent.Message.ConversationId), serverEvent.Message.Seq);
                foreach (var session in sessions)
                {
                    session.Deliver(position, serverEvent);
                }
            }
            else
            {
                NotifyHere(userId, deviceId, serverEvent);
            }
        }
    }

    /// <summary>Publishes may have been lost while the subscription was away: every stream reads what it missed from the log.</summary>
    private void CatchUpAll()
    {
        foreach (var session in _sessionsByUser.Values.SelectMany(s => s))
        {
            session.CatchUpAgain();
        }
    }

    private void NotifyHere(Guid userId, Guid? deviceId, ServerEvent serverEvent)
    {
        if (_sessionsByUser.TryGetValue(userId, out var sessions))
        {
            foreach (var session in sessions)
            {
                if (deviceId is null || session.Caller.DeviceId == deviceId)
                {
                    session.Send(serverEvent);
                }
            }
        }
    }

    private void EndOlderStreams(Guid userId, Guid deviceId, long generation)
    {
        if (_sessionsByUser.TryGetValue(userId, out var sessions))
        {
            foreach (var session in sessions)
            {
                if (session.Caller.DeviceId == deviceId && session.Generation < generation)
                {
                    session.End(Replaced);
                }
            }
        }
    }

    private void EndHere(Guid userId, Guid deviceId, ChatException reason)
    {
        if (_sessionsByUser.TryGetValue(userId, out var sessions))
        {
            foreach (var session in sessions.Where(s => s.Caller.DeviceId == deviceId))
            {
                session.End(reason);
            }
        }
    }

    /// <summary>Two recipients with the same entries of a batch, in the same order, get the same payload.</summary>
    private sealed class EntryListComparer : IEqualityComparer<List<int>>
    {
        public static readonly EntryListComparer Instance = new();

        public bool Equals(List<int>? x, List<int>? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.SequenceEqual(y));

        public int GetHashCode(List<int> entries)
        {
            var hash = default(HashCode);
            foreach (var entry in entries)
            {
                hash.Add(entry);
            }

            return hash.ToHashCode();
        }
    }
}
