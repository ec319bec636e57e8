using StackExchange.Redis;

namespace ChatMonolith.Modules.Presence.Redis;

/// <summary>Who watches whom, per device, in Redis, so a change found on any host reaches watchers on every host.</summary>
internal sealed class WatchLists(IDatabase redis)
{
    public readonly record struct Watcher(Guid UserId, Guid DeviceId);

    /// <summary>Replaces the device's watch list.</summary>
    public async Task ReplaceAsync(Guid userId, Guid deviceId, IReadOnlyCollection<Guid> watched)
    {
        var member = Member(userId, deviceId);
        var previous = await redis.SetMembersAsync(PresenceKeys.Watching(userId, deviceId));
        var batch = redis.CreateBatch();
        var writes = previous.Select(p => (Task)batch.SetRemoveAsync(PresenceKeys.Watchers(Guid.Parse(p.ToString())), member))
            .Append(batch.KeyDeleteAsync(PresenceKeys.Watching(userId, deviceId)))
            .Concat(watched.Select(w => (Task)batch.SetAddAsync(PresenceKeys.Watchers(w), member)))
            .ToList();
        if (watched.Count > 0)
        {
            writes.Add(batch.SetAddAsync(PresenceKeys.Watching(userId, deviceId), [.. watched.Select(w => (RedisValue)w.ToString())]));
        }

        batch.Execute();
        await Task.WhenAll(writes);
    }

    public Task ForgetAsync(Guid userId, Guid deviceId) => ReplaceAsync(userId, deviceId, []);

    public async Task<IReadOnlyList<Watcher>> WatchersOfAsync(Guid userId) =>
        [.. (await redis.SetMembersAsync(PresenceKeys.Watchers(userId))).Select(v => Parse(v.ToString()))];

    private static string Member(Guid userId, Guid deviceId) => $"{userId}:{deviceId}";

    private static Watcher Parse(string member)
    {
        var ids = member.Split(':');
        return new Watcher(Guid.Parse(ids[0]), Guid.Parse(ids[1]));
    }
}
