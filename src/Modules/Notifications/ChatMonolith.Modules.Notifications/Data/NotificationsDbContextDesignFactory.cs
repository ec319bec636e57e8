using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Data;

internal sealed class NotificationsDbContextDesignFactory() : ModuleDesignTimeFactory<NotificationsDbContext>(NotificationsDbContext.Schema)
{
    protected override NotificationsDbContext Create(DbContextOptions<NotificationsDbContext> options) => new(options);
}
