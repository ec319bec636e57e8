using ChatMonolith.Modules.Presence.Features.Connection;
using ChatMonolith.Modules.Presence.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Presence.Features.Expiry;

/// <summary>Every sweep interval, finds online devices whose key expired without a notification reaching any host.</summary>
internal sealed class PresenceSweeper(DeviceRegistry devices, IServiceScopeFactory scopes, IOptions<PresenceOptions> options, TimeProvider clock, ILogger<PresenceSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "The presence sweep failed; the next one will retry");
            }
        }
    }

    private async Task SweepAsync()
    {
        foreach (var userId in await devices.OnlineUsersAsync())
        {
            foreach (var deviceId in await devices.DevicesAsync(userId))
            {
                if (!await devices.DeviceKeyExistsAsync(userId, deviceId))
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<PresenceTracker>().ExpiredAsync(userId, deviceId);
                }
            }
        }
    }
}
