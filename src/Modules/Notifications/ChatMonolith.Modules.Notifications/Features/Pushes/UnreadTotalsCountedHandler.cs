using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Pushes;

/// <summary>
/// Messaging counted what pushed users have unread over all their conversations: the badge of each push still waiting
/// for them. A window whose badge is still unknown is not sent until then (<see cref="PushDispatcher"/>), for a
/// while at most.
/// </summary>
public static class UnreadTotalsCountedHandler
{
    public static async Task Handle(UnreadTotalsCounted counted, NotificationsDbContext db, PushSignal signal, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userIds = counted.Totals.Select(t => t.UserId).ToArray();
        var badges = counted.Totals.Select(t => t.Count).ToArray();
        var changed = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            UPDATE notifications.push_windows
            SET badge = ({badges}::bigint[])[array_position({userIds}::uuid[], user_id)]
            WHERE user_id = ANY({userIds}) AND state = {(short)PushState.Pending}
            """,
            cancellationToken);
        if (changed > 0)
        {
            signal.DueAt(db, clock.GetUtcNow());
        }
    }
}
