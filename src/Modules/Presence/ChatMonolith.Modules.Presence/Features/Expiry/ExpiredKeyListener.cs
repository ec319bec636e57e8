using ChatMonolith.Modules.Presence.Features.Connection;
using ChatMonolith.Modules.Presence.Features.Typing;
using ChatMonolith.Modules.Presence.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatMonolith.Modules.Presence.Features.Expiry;

/// <summary>
/// Redis's keyspace notifications of expired keys: a device that stopped heartbeating goes offline, a typing start
/// that was not refreshed stops. Turns the notifications on when the server allows it; the sweep covers what a
/// notification misses (they are fire-and-forget).
/// </summary>
internal sealed class ExpiredKeyListener(
    IConnectionMultiplexer redis, PresenceTracker tracker, TypingSignals typing, IOptions<PresenceOptions> options, ILogger<ExpiredKeyListener> logger)
    : BackgroundService
{
    private static readonly RedisChannel Expired = RedisChannel.Pattern("__keyevent@*__:expired");

    /// <summary>Subscribes in the background, so the host is ready without waiting for Redis.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ExpiryNotifications)
        {
            return;
        }

        await EnableNotificationsAsync();
        var queue = await redis.GetSubscriber().SubscribeAsync(Expired);
        queue.OnMessage(message => HandleAsync(message.Message.ToString()));
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            await queue.UnsubscribeAsync();
        }
    }

    private async Task HandleAsync(string key)
    {
        var prefix = options.Value.KeyPrefix;
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return; // another deployment's key
        }

        key = key[prefix.Length..];
        try
        {
            if (PresenceKeys.TryParsePair(key, PresenceKeys.DevicePrefix, out var userId, out var deviceId))
            {
                await tracker.ExpiredAsync(userId, deviceId);
            }
            else if (PresenceKeys.TryParsePair(key, PresenceKeys.TypingPrefix, out var conversationId, out var typistId))
            {
                await typing.ExpiredAsync(conversationId, typistId);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Handling the expiry of {Key} failed", key);
        }
    }

    private async Task EnableNotificationsAsync()
    {
        try
        {
            var server = redis.GetServers().First();
            var current = (await server.ConfigGetAsync("notify-keyspace-events")).FirstOrDefault().Value ?? "";
            if (!current.Contains('E', StringComparison.Ordinal) || !(current.Contains('x', StringComparison.Ordinal) || current.Contains('A', StringComparison.Ordinal)))
            {
                await server.ConfigSetAsync("notify-keyspace-events", current + "Ex");
            }
        }
        catch (Exception e) when (e is RedisException or InvalidOperationException)
        {
            logger.LogWarning(e, "Could not turn on Redis expiry notifications; offline devices are found by the sweep alone");
        }
    }
}
