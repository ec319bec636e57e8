using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;

namespace ChatMonolith.Modules.Messaging.Features.Reading;

/// <summary>Answers <see cref="CountUnreadTotals"/> (a push's badge) with <see cref="UnreadTotalsCounted"/>.</summary>
public static class CountUnreadTotalsHandler
{
    public static async Task<UnreadTotalsCounted> Handle(CountUnreadTotals command, MessagingDbContext db, CancellationToken cancellationToken) =>
        new(await UnreadCounts.TotalsAsync(db, command.UserIds.Distinct().ToList(), cancellationToken));
}
