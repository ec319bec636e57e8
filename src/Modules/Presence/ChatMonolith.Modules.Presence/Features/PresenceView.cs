using ChatMonolith.BuildingBlocks.Grpc;
using ChatMonolith.Modules.Presence.Features.Members;
using PresenceState = ChatMonolith.Protos.Presence.V1.PresenceState;
using PresenceUpdate = ChatMonolith.Protos.Presence.V1.PresenceUpdate;
using ChatMonolith.Modules.Presence.Data;
using ChatMonolith.Modules.Presence.Redis;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using Wolverine;

namespace ChatMonolith.Modules.Presence.Features;

/// <summary>
/// A user's presence as each watcher may see it: online and last seen from Redis (last seen from PostgreSQL when
/// Redis has lost it), filtered by the user's visibility.
/// </summary>
internal sealed class PresenceView(DeviceRegistry devices, IDatabase redis, PresenceDbContext db, IMessageBus bus)
{
    /// <summary>What <paramref name="watcherId"/> may know of each of <paramref name="userIds"/>, and their stored last seen.</summary>
    public async Task<IReadOnlyDictionary<Guid, (PresenceAccess Access, DateTimeOffset? StoredLastSeen)>> AccessAsync(Guid watcherId, IReadOnlyList<Guid> userIds)
    {
        var stored = await StoredAsync(userIds);
        var candidates = userIds.Where(id => id != watcherId).ToList();
        var peers = await KnownMembers.PeersAsync(db, bus, watcherId, candidates);
        return userIds.ToDictionary(id => id, id =>
        {
            var (visibility, lastSeen) = stored.GetValueOrDefault(id, (PresenceVisibility.Conversations, null));
            return (Decide(watcherId, id, visibility, peers.Contains(id)), lastSeen);
        });
    }

    /// <summary>The presences of the users in <paramref name="access"/> as that access allows.</summary>
    public async Task<IReadOnlyList<PresenceUpdate>> StatesAsync(IReadOnlyDictionary<Guid, (PresenceAccess Access, DateTimeOffset? StoredLastSeen)> access)
    {
        var states = new List<PresenceUpdate>(access.Count);
        foreach (var (userId, (level, lastSeen)) in access)
        {
            states.Add(level == PresenceAccess.Visible ? await StateAsync(userId, lastSeen) : Hidden(userId));
        }

        return states;
    }

    /// <summary>The presence of one user for each of their watchers, grouped by what they may see; a watch gone stale shows as hidden.</summary>
    public async Task<IReadOnlyList<(PresenceUpdate Update, IReadOnlyList<Guid> WatcherIds)>> ForWatchersAsync(Guid userId, IReadOnlyList<Guid> watcherIds)
    {
        var (visibility, lastSeen) = (await StoredAsync([userId])).GetValueOrDefault(userId, (PresenceVisibility.Conversations, null));
        var state = await StateAsync(userId, lastSeen);
        var peers = visibility == PresenceVisibility.Conversations ? await KnownMembers.PeersAsync(db, bus, userId, watcherIds) : [];
        return [.. watcherIds.GroupBy(w => Decide(w, userId, visibility, peers.Contains(w)) == PresenceAccess.Visible)
            .Select(g => (g.Key ? state : Hidden(userId), (IReadOnlyList<Guid>)[.. g]))];
    }

    /// <summary>The one rule: a user always sees themselves; others as the user's visibility says.</summary>
    private static PresenceAccess Decide(Guid watcherId, Guid userId, PresenceVisibility visibility, bool sharesConversation) =>
        watcherId == userId ? PresenceAccess.Visible : (visibility, sharesConversation) switch
        {
            (PresenceVisibility.Everyone, _) => PresenceAccess.Visible,
            (_, false) => PresenceAccess.Denied,
            (PresenceVisibility.Nobody, true) => PresenceAccess.Hidden,
            _ => PresenceAccess.Visible,
        };

    private async Task<PresenceUpdate> StateAsync(Guid userId, DateTimeOffset? storedLastSeen)
    {
        if (await devices.IsOnlineAsync(userId))
        {
            return new PresenceUpdate { UserId = userId.ToString(), State = PresenceState.Online };
        }

        var cached = await redis.StringGetAsync(PresenceKeys.LastSeen(userId));
        var lastSeen = cached.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds((long)cached) : storedLastSeen;
        return new PresenceUpdate { UserId = userId.ToString(), State = PresenceState.Offline, LastSeenAt = ProtoTime.From(lastSeen) };
    }

    private async Task<Dictionary<Guid, (PresenceVisibility, DateTimeOffset?)>> StoredAsync(IReadOnlyList<Guid> userIds) =>
        await db.Users.AsNoTracking()
            .Where(u => userIds.Contains(u.UserId))
            .ToDictionaryAsync(u => u.UserId, u => (u.Visibility, u.LastSeenAt));

    private static PresenceUpdate Hidden(Guid userId) => new() { UserId = userId.ToString(), State = PresenceState.Hidden };
}
