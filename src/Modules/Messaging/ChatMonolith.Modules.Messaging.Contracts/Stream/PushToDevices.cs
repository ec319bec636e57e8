namespace ChatMonolith.Modules.Messaging.Contracts.Stream;

/// <summary>
/// Puts an update on the streams of the targets that are connected, on any host; offline targets are skipped (it is
/// not stored). The routing seam for every module's real-time events.
/// </summary>
public sealed record PushToDevices(IReadOnlyList<StreamTarget> Targets, StreamUpdate Update)
{
    /// <summary>Every connected device of each of <paramref name="userIds"/>.</summary>
    public static PushToDevices ToUsers(IEnumerable<Guid> userIds, StreamUpdate update) =>
        new([.. userIds.Select(id => new StreamTarget(id, null))], update);
}

/// <summary>A user's devices, or one of them.</summary>
public sealed record StreamTarget(Guid UserId, Guid? DeviceId);
