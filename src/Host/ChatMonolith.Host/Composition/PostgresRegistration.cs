using ChatMonolith.BuildingBlocks.Persistence;
using Npgsql;

namespace ChatMonolith.Host.Composition;

internal static class PostgresRegistration
{
    public static string PostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ModuleDbContextRegistration.ConnectionStringName)
        ?? throw new InvalidOperationException(
            $"ConnectionStrings:{ModuleDbContextRegistration.ConnectionStringName} is not set (environment: ConnectionStrings__Postgres).");

    public static void AddPostgres(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(builder.Configuration.PostgresConnectionString()));
}
