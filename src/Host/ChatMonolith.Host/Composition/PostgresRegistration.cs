using ChatMonolith.BuildingBlocks.Persistence;
using Npgsql;

namespace ChatMonolith.Host.Composition;

internal static class PostgresRegistration
{
    public static string PostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ModuleDbContextRegistration.ConnectionStringName)
        ?? throw new InvalidOperationException(
            $"ConnectionStrings:{ModuleDbContextRegistration.ConnectionStringName} is not set (environment: ConnectionStrings__Postgres).");

    /// <summary>The connection pool the modules share (the health check uses it too).</summary>
    public static void AddPostgres(this WebApplicationBuilder builder) =>
        builder.Services.AddPostgresDataSource(builder.Configuration);
}
