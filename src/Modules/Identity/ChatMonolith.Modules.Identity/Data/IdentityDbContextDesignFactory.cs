using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Identity.Data;

internal sealed class IdentityDbContextDesignFactory() : ModuleDesignTimeFactory<IdentityDbContext>(IdentityDbContext.Schema)
{
    protected override IdentityDbContext Create(DbContextOptions<IdentityDbContext> options) => new(options);
}
