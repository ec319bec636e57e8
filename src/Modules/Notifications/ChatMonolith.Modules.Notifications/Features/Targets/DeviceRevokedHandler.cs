using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Notifications.Contracts;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Targets;

/// <summary>A device signed out or revoked gets no more pushes: its target goes with it (Identity's event).</summary>
public static class DeviceRevokedHandler
{
    public static async Task<PushTargetChanged> Handle(DeviceRevoked revoked, NotificationsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await db.PushTargets.Where(t => t.UserId == revoked.UserId && t.DeviceId == revoked.DeviceId).ExecuteDeleteAsync(cancellationToken);
        return new PushTargetChanged(revoked.UserId, revoked.DeviceId, HasTarget: false, clock.GetUtcNow());
    }
}
