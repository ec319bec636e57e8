namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>Brings one module's schema up to date; the host runs every migrator before it accepts calls.</summary>
public interface IModuleMigrator
{
    /// <summary>The module whose schema this migrates.</summary>
    string Schema { get; }

    /// <summary>Applies the module's pending migrations.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
}
