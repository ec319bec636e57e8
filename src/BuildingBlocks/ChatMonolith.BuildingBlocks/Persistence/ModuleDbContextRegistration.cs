using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
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
        var connectionString = ConnectionString(configuration);
        services.AddPostgresDataSource(configuration);
        services.AddDbContextWithWolverineIntegration<TContext>(
            (provider, options) => Configure(options, provider.GetRequiredService<NpgsqlDataSource>(), schema), WolverineSchema);
        services.AddSingleton<IModuleMigrator>(sp =>
            new ModuleMigrator<TContext>(sp.GetRequiredService<IServiceScopeFactory>(), connectionString, schema));
        services.AddHostedService<DbContextWarmup<TContext>>();
        return services;
    }

    /// <summary>
    /// The one pool of PostgreSQL connections the modules share: their DbContexts, and the plain SQL of hot paths that
    /// need no DbContext (a stream's opening). One pool keeps the modules together within the server's
    /// max_connections.
    /// </summary>
    public static IServiceCollection AddPostgresDataSource(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = WithAutoPrepare(ConnectionString(configuration));
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        return services;
    }

    /// <summary>The options every module's DbContext uses: Npgsql, snake_case names, a history table in its own schema.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString, string schema) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", schema))
            .UseSnakeCaseNamingConvention();

    /// <inheritdoc cref="Configure(DbContextOptionsBuilder, string, string)"/>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource, string schema) =>
        options
            .UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", schema))
            .UseSnakeCaseNamingConvention();

    private static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set (environment: ConnectionStrings__Postgres).");

    /// <summary>
    /// Lets Npgsql prepare a statement once it has run a few times on a connection, so PostgreSQL plans it once
    /// instead of at every execution: planning the send statement cost more than running it. A Max Auto Prepare in
    /// the connection string wins (0 turns it off, e.g. behind a pooler that cannot keep prepared statements).
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => key.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
        return given ? connectionString : new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64 }.ConnectionString;
    }
}
