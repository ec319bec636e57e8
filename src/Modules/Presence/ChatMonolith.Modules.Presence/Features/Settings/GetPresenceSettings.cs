using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Presence.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Presence.Features.Settings;

public sealed record GetPresenceSettings(Caller Caller);

/// <summary>Who sees the user's presence: 1 everyone, 2 people they share a conversation with, 3 nobody.</summary>
public sealed record PresenceSettingsView(short Visibility);

[NonTransactional]
public static class GetPresenceSettingsHandler
{
    public static async Task<PresenceSettingsView> Handle(GetPresenceSettings query, PresenceDbContext db, CancellationToken cancellationToken) =>
        new((short)(await db.Users.AsNoTracking()
            .Where(u => u.UserId == query.Caller.UserId)
            .Select(u => (PresenceVisibility?)u.Visibility)
            .SingleOrDefaultAsync(cancellationToken) ?? PresenceVisibility.Conversations));
}
