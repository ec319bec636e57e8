using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Targets;

public sealed record ListPushTargets(Caller Caller);

public static class ListPushTargetsHandler
{
    public static async Task<IReadOnlyList<PushTargetView>> Handle(ListPushTargets query, NotificationsDbContext db, CancellationToken cancellationToken) =>
        (await db.PushTargets.AsNoTracking().Where(t => t.UserId == query.Caller.UserId).OrderBy(t => t.DeviceId).ToListAsync(cancellationToken))
            .Select(PushTargetView.Of)
            .ToList();
}
