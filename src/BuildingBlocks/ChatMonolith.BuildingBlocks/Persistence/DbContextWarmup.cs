using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Builds a module's EF Core model in the background once the host runs, so the first call that needs it does not
/// pay for it, and start-up does not wait for it either.
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
