using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Builds a module's EF Core model on the thread pool as soon as the host starts. Wolverine's start needs the models
/// too (it asks each handler's DbContext for its execution strategy) and would otherwise build them one after another
/// on its own thread; started first, they are built alongside it on the other core. The first call that needs a model
/// does not pay for it either.
/// </summary>
internal sealed class DbContextWarmup<TContext>(IServiceScopeFactory scopes) : BackgroundService
    where TContext : DbContext
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(
        async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            _ = db.Model;
            await db.Database.CanConnectAsync(stoppingToken);
        },
        stoppingToken);
}
