using ChatMonolith.BuildingBlocks.Persistence;

namespace ChatMonolith.Host.Composition;

public static class ModuleMigrations
{
    /// <summary>Applies every module's pending migrations, each in its own schema, and Wolverine's, before the host takes calls.</summary>
    public static async Task MigrateModulesAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await app.MigrateWolverineStorageAsync(cancellationToken);
        foreach (var migrator in app.Services.GetServices<IModuleMigrator>())
        {
            app.Logger.LogInformation("Migrating schema {Schema}", migrator.Schema);
            await migrator.MigrateAsync(cancellationToken);
        }
    }
}
