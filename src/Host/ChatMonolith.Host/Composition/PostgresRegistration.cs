using ChatMonolith.BuildingBlocks.Persistence;

namespace ChatMonolith.Host.Composition;

internal static class PostgresRegistration
{
    /// <summary>The connection pool the modules share (the health check uses it too).</summary>
    public static void AddPostgres(this WebApplicationBuilder builder) =>
        builder.Services.AddPostgresDataSource(builder.Configuration);
}
