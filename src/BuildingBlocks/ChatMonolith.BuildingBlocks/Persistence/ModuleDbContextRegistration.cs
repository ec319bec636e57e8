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
        var connectionString = configuration.PostgresConnectionString();
        services.AddPostgresDataSource(configuration);
        services.TryAddSingleton<AfterCommit>();
        services.AddDbContextWithWolverineIntegration<TContext>(
            (provider, options) => Configure(options, provider.GetRequiredService<NpgsqlDataSource>(), schema)
                .AddInterceptors(provider.GetRequiredService<AfterCommit>()),
            WolverineSchema);
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
        var connectionString = WithPoolDefaults(configuration.PostgresConnectionString());
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.TryAddSingleton<DatabaseEngine>();
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

    /// <summary>The PostgreSQL connection string from configuration, as given (the pool adds its defaults).</summary>
    public static string PostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set (environment: ConnectionStrings__Postgres).");

    /// <summary>
    /// Defaults of the shared pool, each only where the connection string does not set it (a given value wins):
    /// <list type="bullet">
    /// <item>Max Auto Prepare 64: Npgsql prepares a statement once it has run a few times on a connection, so
    /// PostgreSQL plans it once instead of at every execution; planning the send statement cost more than running it.
    /// 0 turns it off, e.g. behind a pooler that cannot keep prepared statements.</item>
    /// <item>No Reset On Close: a connection taken from the pool is not reset first. The reset is seven statements
    /// (RESET ALL, DISCARD TEMP, UNLISTEN *, pg_advisory_unlock_all() and more) that PostgreSQL ran at every stream's
    /// opening for state nothing here creates: module code never changes session state (SET, LISTEN, session advisory
    /// locks, temporary tables) on a pooled connection. Wolverine's own storage keeps its own pool.</item>
    /// </list>
    /// </summary>
    private static string WithPoolDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!given.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}
