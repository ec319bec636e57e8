using ChatMonolith.BuildingBlocks.Persistence;
using Npgsql;
using Wolverine;
using Wolverine.Runtime;

namespace ChatMonolith.Host.Composition;

/// <summary>
/// Creates or updates Wolverine's tables (envelopes, outbox, nodes) only when this Wolverine version has not done so
/// for the database yet. Wolverine's own check at every start compares the whole schema and costs about 0.4 s.
/// </summary>
internal static class WolverineStorageMigration
{
    private static readonly string Version = typeof(IMessageBus).Assembly.GetName().Version!.ToString();

    public static async Task MigrateWolverineStorageAsync(this WebApplication app, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(app.Configuration.PostgresConnectionString());
        await connection.OpenAsync(cancellationToken);
        if (await AppliedVersionAsync(connection, cancellationToken) == Version)
        {
            return;
        }

        app.Logger.LogInformation("Migrating Wolverine's storage for version {Version}", Version);
        await app.Services.GetRequiredService<IWolverineRuntime>().Storage.Admin.MigrateAsync();
        await using var record = new NpgsqlCommand($"""
            CREATE TABLE IF NOT EXISTS {Table} (id int PRIMARY KEY, version text NOT NULL);
            INSERT INTO {Table} (id, version) VALUES (1, @version) ON CONFLICT (id) DO UPDATE SET version = excluded.version;
            """, connection);
        record.Parameters.AddWithValue("version", Version);
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Table => $"{ModuleDbContextRegistration.WolverineSchema}.chatmonolith_storage_version";

    private static async Task<string?> AppliedVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var query = new NpgsqlCommand($"SELECT version FROM {Table} WHERE id = 1", connection);
        try
        {
            return (string?)await query.ExecuteScalarAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return null;
        }
    }
}
