using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Identity.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Identity.Features.Profiles;

public sealed record GetProfile(Guid UserId);

/// <summary>Reads only: no transaction, no outbox.</summary>
[NonTransactional]
public static class GetProfileHandler
{
    public static async Task<ProfileView> Handle(GetProfile query, IdentityDbContext db, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking()
            .Where(u => u.UserId == query.UserId)
            .Select(u => new ProfileView(u.UserId, u.Username, u.DisplayName, u.CreatedAt))
            .SingleOrDefaultAsync(cancellationToken)
        ?? throw ChatException.NotFound("USER_NOT_FOUND", "There is no user with that id.");
}
