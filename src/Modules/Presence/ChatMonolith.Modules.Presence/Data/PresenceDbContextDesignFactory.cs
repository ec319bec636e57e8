using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Presence.Data;

internal sealed class PresenceDbContextDesignFactory() : ModuleDesignTimeFactory<PresenceDbContext>(PresenceDbContext.Schema)
{
    protected override PresenceDbContext Create(DbContextOptions<PresenceDbContext> options) => new(options);
}
