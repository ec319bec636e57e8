using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Targets;

public sealed record RemovePushTarget(Caller Caller);

public static class RemovePushTargetHandler
{
    /// <returns>Whether the device had a target.</returns>
    public static async Task<bool> Handle(RemovePushTarget command, NotificationsDbContext db, CancellationToken cancellationToken) =>
        await db.PushTargets.Where(t => t.UserId == command.Caller.UserId && t.DeviceId == command.Caller.DeviceId)
            .ExecuteDeleteAsync(cancellationToken) > 0;
}
