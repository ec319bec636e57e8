using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatMonolith.BuildingBlocks.Persistence;

internal sealed class ModuleMigrator<TContext>(IServiceScopeFactory scopes, string schema) : IModuleMigrator
    where TContext : DbContext
{
    public string Schema { get; } = schema;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Database.MigrateAsync(cancellationToken);
    }
}
