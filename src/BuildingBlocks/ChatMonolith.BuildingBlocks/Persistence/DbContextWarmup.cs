using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Builds a module's EF Core model once the host is ready, so the first call that needs it does not pay for it,
/// and start-up does not wait for it, nor share the CPU with it.
/// </summary>
internal sealed class DbContextWarmup<TContext>(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime) : BackgroundService
    where TContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        _ = db.Model;
        await db.Database.CanConnectAsync(stoppingToken);
    }
}
