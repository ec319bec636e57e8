using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Receipts.Data;

internal sealed class ReceiptsDbContextDesignFactory() : ModuleDesignTimeFactory<ReceiptsDbContext>(ReceiptsDbContext.Schema)
{
    protected override ReceiptsDbContext Create(DbContextOptions<ReceiptsDbContext> options) => new(options);
}
