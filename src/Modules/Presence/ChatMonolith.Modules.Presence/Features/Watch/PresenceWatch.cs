using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using ChatMonolith.Modules.Presence.Contracts;
using ChatMonolith.Modules.Presence.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine;

namespace ChatMonolith.Modules.Presence.Features.Watch;

/// <summary>
/// A device's presence watch list: checked (only people one shares a conversation with, unless they show their
/// presence to everyone), stored in Redis, and answered with the current state down the device's stream, ahead of
/// any later change. Public only because handlers name it (ADR 3).
/// </summary>
public sealed class PresenceWatch
{
    private readonly WatchLists _watches;
    private readonly IServiceScopeFactory _scopes;
    private readonly PresenceOptions _options;

    /// <summary>A singleton (Wolverine's generated code takes it as is); what is scoped comes from a scope of its own.</summary>
    internal PresenceWatch(WatchLists watches, IServiceScopeFactory scopes, IOptions<PresenceOptions> options)
    {
        (_watches, _scopes, _options) = (watches, scopes, options.Value);
    }

    internal async Task<PresenceSnapshot> WatchAsync(WatchPresence watch, CancellationToken cancellationToken)
    {
        var userIds = watch.UserIds.Distinct().ToList();
        new Validator().Require(userIds.Count <= _options.MaxWatchedUsers, "user_ids", $"must list at most {_options.MaxWatchedUsers} users").ThrowIfInvalid();

        await using var scope = _scopes.CreateAsyncScope();
        var view = scope.ServiceProvider.GetRequiredService<PresenceView>();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        var access = await view.AccessAsync(watch.Caller.UserId, userIds);
        var denied = access.Count(a => a.Value.Access == PresenceAccess.Denied);
        if (denied > 0)
        {
            throw ChatException.PermissionDenied("NOT_A_CONTACT", $"You share no conversation with {denied} of these users.");
        }

        await _watches.ReplaceAsync(watch.Caller.UserId, watch.Caller.DeviceId, userIds);
        var states = await view.StatesAsync(access);
        var device = new DeviceTarget(watch.Caller.UserId, watch.Caller.DeviceId);
        foreach (var state in states)
        {
            await bus.InvokeAsync(new DeliverToDevices([device], state), cancellationToken);
        }

        return new PresenceSnapshot(states);
    }
}
