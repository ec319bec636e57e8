using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.EntityFrameworkCore;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>Registers a module's DbContext: its own schema, its own migrations history table, Wolverine's outbox.</summary>
public static class ModuleDbContextRegistration
{
    /// <summary>The name of the PostgreSQL connection string in configuration.</summary>
    public const string ConnectionStringName = "Postgres";

    /// <summary>The schema of Wolverine's own tables (envelopes, outbox, inbox).</summary>
    public const string WolverineSchema = "wolverine";

    /// <summary>
    /// Adds <typeparamref name="TContext"/> with Wolverine integration, so handlers that take it commit their changes
    /// and their outgoing messages in one transaction, and registers its migrator.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext>(
        this IServiceCollection services, IConfiguration configuration, string schema)
        where TContext : DbContext
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set.");

        services.AddDbContextWithWolverineIntegration<TContext>(options => Configure(options, connectionString, schema), WolverineSchema);
        services.AddSingleton<IModuleMigrator>(sp =>
            new ModuleMigrator<TContext>(sp.GetRequiredService<IServiceScopeFactory>(), connectionString, schema));
        services.AddHostedService<DbContextWarmup<TContext>>();
        return services;
    }

    /// <summary>The options every module's DbContext uses: Npgsql, snake_case names, a history table in its own schema.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString, string schema) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", schema))
            .UseSnakeCaseNamingConvention();
}
