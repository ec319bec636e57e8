using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Presence.Data;
using ChatMonolith.Modules.Presence.Features.Connection;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Presence.Features.Settings;

public sealed record UpdatePresenceSettings(Caller Caller, short Visibility);

/// <summary>Stores the choice and tells the user's watchers at once what they may see now.</summary>
[NonTransactional]
public static class UpdatePresenceSettingsHandler
{
    public static async Task<PresenceSettingsView> Handle(UpdatePresenceSettings command, PresenceDbContext db, PresenceTracker tracker, CancellationToken cancellationToken)
    {
        new Validator().Require(Enum.IsDefined((PresenceVisibility)command.Visibility), "settings.visibility", "must be EVERYONE, CONVERSATIONS or NOBODY").ThrowIfInvalid();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO presence.user_presence (user_id, visibility) VALUES ({command.Caller.UserId}, {command.Visibility})
            ON CONFLICT (user_id) DO UPDATE SET visibility = EXCLUDED.visibility
            """,
            cancellationToken);
        await tracker.AnnounceAsync(command.Caller.UserId);
        return new PresenceSettingsView(command.Visibility);
    }
}
