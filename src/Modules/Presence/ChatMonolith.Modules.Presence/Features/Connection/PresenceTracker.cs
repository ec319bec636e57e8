using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using ChatMonolith.Modules.Presence.Contracts;
using ChatMonolith.Modules.Presence.Data;
using ChatMonolith.Modules.Presence.Redis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Wolverine;

namespace ChatMonolith.Modules.Presence.Features.Connection;

/// <summary>
/// Online and offline: devices come with a stream or a heartbeat and go with a goodbye or an expired key. Whoever
/// sees a user's first device come or last device go tells the watchers. Public only because handlers name it (ADR 3).
/// </summary>
public sealed class PresenceTracker
{
    private readonly DeviceRegistry _devices;
    private readonly WatchLists _watches;
    private readonly IDatabase _redis;
    private readonly IServiceScopeFactory _scopes;
    private readonly PresenceOptions _options;
    private readonly TimeProvider _clock;
    private readonly PresenceMetrics _metrics;

    /// <summary>A singleton (Wolverine's generated code takes it as is); what is scoped comes from a scope of its own.</summary>
    internal PresenceTracker(
        DeviceRegistry devices, WatchLists watches, IDatabase redis, IServiceScopeFactory scopes, IOptions<PresenceOptions> options,
        PresenceMetrics metrics, TimeProvider clock)
    {
        (_devices, _watches, _redis, _scopes, _options, _metrics, _clock) = (devices, watches, redis, scopes, options.Value, metrics, clock);
    }

    internal async Task ConnectedAsync(Guid userId, Guid deviceId)
    {
        if (await _devices.TouchAsync(userId, deviceId, _options.DeviceTtl, minSpacing: null) == DeviceRegistry.Change.CameOnline)
        {
            _metrics.Online();
            await AnnounceAsync(userId);
        }
    }

    /// <summary>A goodbye makes the device offline at once; a lost connection waits for the key to expire, as the device may be back in a moment.</summary>
    internal async Task DisconnectedAsync(Guid userId, Guid deviceId, bool graceful)
    {
        await _watches.ForgetAsync(userId, deviceId);
        if (graceful && await _devices.RemoveAsync(userId, deviceId, onlyIfExpired: false))
        {
            await WentOfflineAsync(userId, _clock.GetUtcNow());
        }
    }

    internal async Task<HeartbeatAccepted> HeartbeatAsync(Caller caller)
    {
        switch (await _devices.TouchAsync(caller.UserId, caller.DeviceId, _options.DeviceTtl, _options.MinHeartbeatSpacing))
        {
            case DeviceRegistry.Change.Refused:
                // Retry after the spacing at most: the last accepted heartbeat was less than that ago.
                throw ChatException.RateLimited("HEARTBEAT_TOO_FREQUENT",
                    $"Heartbeats must be at least {_options.MinHeartbeatSpacing.TotalSeconds:0.#} s apart; send one every {_options.HeartbeatInterval.TotalSeconds:0.#} s.",
                    _options.MinHeartbeatSpacing);
            case DeviceRegistry.Change.CameOnline:
                _metrics.Online();
                await AnnounceAsync(caller.UserId);
                break;
        }

        return new HeartbeatAccepted(_options.HeartbeatInterval);
    }

    /// <summary>The device's key expired: it vanished without a goodbye. It was last seen when it last refreshed the key.</summary>
    internal async Task ExpiredAsync(Guid userId, Guid deviceId)
    {
        if (await _devices.RemoveAsync(userId, deviceId, onlyIfExpired: true))
        {
            await WentOfflineAsync(userId, _clock.GetUtcNow() - _options.DeviceTtl);
        }
    }

    /// <summary>Tells every device watching the user what it may see of the user's presence now.</summary>
    internal async Task AnnounceAsync(Guid userId)
    {
        var watchers = await _watches.WatchersOfAsync(userId);
        if (watchers.Count == 0)
        {
            return;
        }

        await using var scope = _scopes.CreateAsyncScope();
        var view = scope.ServiceProvider.GetRequiredService<PresenceView>();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        foreach (var (update, watcherIds) in await view.ForWatchersAsync(userId, [.. watchers.Select(w => w.UserId).Distinct()]))
        {
            var targets = watchers.Where(w => watcherIds.Contains(w.UserId)).Select(w => new DeviceTarget(w.UserId, w.DeviceId)).ToList();
            await bus.InvokeAsync(new DeliverToDevices(targets, update));
        }
    }

    /// <summary>Last seen goes to Redis for reads and to PostgreSQL so that it outlives Redis.</summary>
    private async Task WentOfflineAsync(Guid userId, DateTimeOffset lastSeen)
    {
        _metrics.Offline();
        await _redis.StringSetAsync(PresenceKeys.LastSeen(userId), lastSeen.ToUnixTimeMilliseconds());
        await using (var scope = _scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PresenceDbContext>().Database.ExecuteSqlAsync(
            $"""
                INSERT INTO presence.user_presence (user_id, visibility, last_seen_at) VALUES ({userId}, {(short)PresenceVisibility.Conversations}, {lastSeen})
                ON CONFLICT (user_id) DO UPDATE SET last_seen_at = GREATEST(user_presence.last_seen_at, EXCLUDED.last_seen_at)
                """);
        }

        await AnnounceAsync(userId);
    }
}
