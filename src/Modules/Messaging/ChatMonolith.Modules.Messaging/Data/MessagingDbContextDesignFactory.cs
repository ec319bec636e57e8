using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Data;

internal sealed class MessagingDbContextDesignFactory() : ModuleDesignTimeFactory<MessagingDbContext>(MessagingDbContext.Schema)
{
    protected override MessagingDbContext Create(DbContextOptions<MessagingDbContext> options) => new(options);
}
