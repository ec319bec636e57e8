using ChatMonolith.Modules.Presence.Contracts;

namespace ChatMonolith.Modules.Presence.Features.Watch;

public static class WatchPresenceHandler
{
    public static Task<PresenceSnapshot> Handle(WatchPresence watch, PresenceWatch presence, CancellationToken cancellationToken) =>
        presence.WatchAsync(watch, cancellationToken);
}
