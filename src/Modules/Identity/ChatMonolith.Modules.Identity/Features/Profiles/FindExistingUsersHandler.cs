using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Identity.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Identity.Features.Profiles;

/// <summary>Answers other modules' <see cref="FindExistingUsers"/>; reads only, so no transaction and no outbox.</summary>
[NonTransactional]
public static class FindExistingUsersHandler
{
    public static async Task<ExistingUsers> Handle(FindExistingUsers query, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var ids = query.UserIds.Distinct().ToList();
        var existing = await db.Users.AsNoTracking().Where(u => ids.Contains(u.UserId)).Select(u => u.UserId).ToListAsync(cancellationToken);
        return new ExistingUsers(existing);
    }
}
