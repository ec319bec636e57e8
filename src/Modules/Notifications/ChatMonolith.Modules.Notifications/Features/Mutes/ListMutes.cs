using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Mutes;

public sealed record ListMutes(Caller Caller);

public static class ListMutesHandler
{
    /// <summary>The caller's mutes that still hold; those run out are not listed.</summary>
    public static async Task<IReadOnlyList<MuteView>> Handle(ListMutes query, NotificationsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await db.Mutes.AsNoTracking()
            .Where(m => m.UserId == query.Caller.UserId && (m.Until == null || m.Until > now))
            .OrderBy(m => m.ConversationId)
            .Select(m => new MuteView(m.ConversationId, m.Until))
            .ToListAsync(cancellationToken);
    }
}
