using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Notifications.Contracts;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// Notifications said a device got or lost its push target: kept in <c>push_reachable_devices</c>, which tells the
/// batch hop (<see cref="MessagesStoredHandler"/>) whom a push could reach at all. A row stays when the target goes
/// (has_target false), so that an older change arriving late cannot undo a newer one.
/// </summary>
public static class PushTargetChangedHandler
{
    public static Task Handle(PushTargetChanged changed, MessagingDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO messaging.push_reachable_devices AS d (user_id, device_id, has_target, changed_at)
            VALUES ({changed.UserId}, {changed.DeviceId}, {changed.HasTarget}, {changed.At})
            ON CONFLICT (user_id, device_id) DO UPDATE SET has_target = excluded.has_target, changed_at = excluded.changed_at
            WHERE d.changed_at <= excluded.changed_at
            """,
            cancellationToken);
}
