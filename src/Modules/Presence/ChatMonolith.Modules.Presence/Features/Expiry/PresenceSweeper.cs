using ChatMonolith.Modules.Presence.Features.Connection;
using ChatMonolith.Modules.Presence.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Presence.Features.Expiry;

/// <summary>Every sweep interval, finds online devices whose key expired without a notification reaching any host.</summary>
internal sealed class PresenceSweeper(DeviceRegistry devices, PresenceTracker tracker, IOptions<PresenceOptions> options, TimeProvider clock, ILogger<PresenceSweeper> logger)
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

    /// <summary>Concurrent commands share the multiplexer's pipeline: a sweep costs a few round trips, not one per device.</summary>
    private async Task SweepAsync()
    {
        var users = await devices.OnlineUsersAsync();
        var devicesByUser = await Task.WhenAll(users.Select(async userId => (UserId: userId, Devices: await devices.DevicesAsync(userId))));
        var checks = await Task.WhenAll(devicesByUser
            .SelectMany(u => u.Devices.Select(deviceId => (u.UserId, DeviceId: deviceId)))
            .Select(async d => (d.UserId, d.DeviceId, Exists: await devices.DeviceKeyExistsAsync(d.UserId, d.DeviceId))));
        foreach (var (userId, deviceId, _) in checks.Where(c => !c.Exists))
        {
            await tracker.ExpiredAsync(userId, deviceId);
        }
    }
}
