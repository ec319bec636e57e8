using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Identity.Features.Profiles;

public sealed record GetProfile(Guid UserId);

public static class GetProfileHandler
{
    public static async Task<ProfileView> Handle(GetProfile query, IdentityDbContext db, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking()
            .Where(u => u.UserId == query.UserId)
            .Select(u => new ProfileView(u.UserId, u.Username, u.DisplayName, u.CreatedAt))
            .SingleOrDefaultAsync(cancellationToken)
        ?? throw ChatException.NotFound("USER_NOT_FOUND", "There is no user with that id.");
}
