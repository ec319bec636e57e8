namespace ChatMonolith.Modules.Presence;

internal sealed class PresenceOptions
{
    public const string Section = "Presence";

    /// <summary>How often a device heartbeats; it counts as gone after two intervals without one.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Heartbeats closer together than this are refused (RESOURCE_EXHAUSTED).</summary>
    public TimeSpan MinHeartbeatSpacing { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A typing start ends on its own after this long without a refresh.</summary>
    public TimeSpan TypingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many typing signals per user per <see cref="TypingRateWindow"/>; more are refused.</summary>
    public int TypingSignalsPerWindow { get; set; } = 20;

    public TimeSpan TypingRateWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often devices whose expiry notification Redis did not deliver are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxWatchedUsers { get; set; } = 500;

    /// <summary>Listen to Redis's expiry notifications; off, only the sweep finds vanished devices (for a Redis that forbids them).</summary>
    public bool ExpiryNotifications { get; set; } = true;

    /// <summary>The key prefix every key of this deployment has (<c>Redis:KeyPrefix</c>), to recognise its expired keys.</summary>
    public string KeyPrefix { get; set; } = "chat:";

    public TimeSpan DeviceTtl => HeartbeatInterval * 2;
}
