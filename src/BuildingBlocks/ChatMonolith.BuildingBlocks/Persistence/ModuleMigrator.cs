using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatMonolith.BuildingBlocks.Persistence;

internal sealed class ModuleMigrator<TContext>(IServiceScopeFactory scopes, string connectionString, string schema) : IModuleMigrator
    where TContext : DbContext
{
    public string Schema { get; } = schema;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // Building EF Core's model and migrator costs seconds of start-up; a restart with nothing to apply skips it.
        if (await AllMigrationsAppliedAsync(cancellationToken))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        // On a fresh database, EF Core's migrator first reads a history table that is not there yet and logs that
        // failed read at Error, although it is part of a normal first start. Made here, the table is found.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }

    private async Task<bool> AllMigrationsAppliedAsync(CancellationToken cancellationToken)
    {
        var known = typeof(TContext).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(TContext))
            .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
            .OfType<string>()
            .ToList();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT migration_id FROM \"{Schema}\".__ef_migrations_history", connection);
        try
        {
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }

            return known.All(applied.Contains);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return false;
        }
    }
}
