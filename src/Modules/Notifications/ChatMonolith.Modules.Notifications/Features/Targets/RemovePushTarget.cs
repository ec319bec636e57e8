using ChatMonolith.Modules.Notifications.Contracts;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Targets;

public sealed record RemovePushTarget(Caller Caller);

public static class RemovePushTargetHandler
{
    /// <returns>Whether the device had a target.</returns>
    public static async Task<(bool, PushTargetChanged)> Handle(RemovePushTarget command, NotificationsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var removed = await db.PushTargets.Where(t => t.UserId == command.Caller.UserId && t.DeviceId == command.Caller.DeviceId)
            .ExecuteDeleteAsync(cancellationToken) > 0;
        return (removed, new PushTargetChanged(command.Caller.UserId, command.Caller.DeviceId, HasTarget: false, clock.GetUtcNow()));
    }
}
