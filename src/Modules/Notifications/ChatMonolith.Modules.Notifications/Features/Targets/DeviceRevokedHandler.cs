using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Targets;

/// <summary>A device signed out or revoked gets no more pushes: its target goes with it (Identity's event).</summary>
public static class DeviceRevokedHandler
{
    public static Task Handle(DeviceRevoked revoked, NotificationsDbContext db, CancellationToken cancellationToken) =>
        db.PushTargets.Where(t => t.UserId == revoked.UserId && t.DeviceId == revoked.DeviceId).ExecuteDeleteAsync(cancellationToken);
}
