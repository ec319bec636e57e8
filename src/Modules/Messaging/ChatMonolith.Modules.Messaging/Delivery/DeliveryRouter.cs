using System.Collections.Concurrent;
using System.Collections.Immutable;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Modules.Messaging.Grpc;
using ChatMonolith.Protos.Messaging.V1;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// The one seam through which everything reaches devices' streams. This host's sessions are found in memory;
/// across hosts, Redis goes behind this same seam (the multi-node issue).
/// </summary>
public sealed class DeliveryRouter
{
    private readonly ConcurrentDictionary<Guid, ImmutableList<DeviceSession>> _sessionsByUser = new();

    internal void Register(DeviceSession session) =>
        _sessionsByUser.AddOrUpdate(session.Caller.UserId, _ => [session], (_, sessions) => sessions.Add(session));

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
                return;
            }
        }
    }

    /// <summary>Committed conversation entries, each to its recipients' streams, with the conversation's new state when it changed.</summary>
    internal void Deliver(DeliverEntries request)
    {
        foreach (var (recipientIds, entry, changed) in request.Entries)
        {
            Deliver(recipientIds, entry);
            if (changed is not null)
            {
                Notify(recipientIds, new ServerEvent { ConversationChanged = MessagingProtoMapping.Changed(changed) });
            }
        }
    }

    private void Deliver(IReadOnlyList<Guid> userIds, MessageView entry)
    {
        ServerEvent? asEvent = null; // serialized per stream, but built once
        foreach (var userId in userIds)
        {
            if (_sessionsByUser.TryGetValue(userId, out var sessions))
            {
                asEvent ??= new ServerEvent { Message = MessagingProtoMapping.ToProto(entry) };
                foreach (var session in sessions)
                {
                    session.Deliver(entry, asEvent);
                }
            }
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
            if (_sessionsByUser.TryGetValue(target.UserId, out var sessions))
            {
                foreach (var session in sessions.Where(s => target.DeviceId is null || s.Caller.DeviceId == target.DeviceId))
                {
                    session.Send(serverEvent);
                }
            }
        }
    }

    internal void Disconnect(Guid userId, Guid deviceId, ChatException reason)
    {
        if (_sessionsByUser.TryGetValue(userId, out var sessions))
        {
            foreach (var session in sessions.Where(s => s.Caller.DeviceId == deviceId))
            {
                session.End(reason);
            }
        }
    }
}
