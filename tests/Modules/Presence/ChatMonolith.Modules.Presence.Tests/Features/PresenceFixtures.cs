using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Presence.Tests.Features;

/// <summary>
/// Keys that outlive any test: whatever goes offline here went because of a goodbye, not an expiry. Heartbeats must be
/// 10 s apart, typing allows 20 signals per 10 s.
/// </summary>
public sealed class LongTtlFixture : ChatHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Presence:HeartbeatInterval", "00:01:00"),
        new("Presence:MinHeartbeatSpacing", "00:00:10"),
    ];
}

/// <summary>A one-second heartbeat (keys live two) and a one-second typing timeout, so expiry shows within a test.</summary>
public sealed class ShortTtlFixture : ChatHostFixture
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Presence:HeartbeatInterval", "00:00:01"),
        new("Presence:MinHeartbeatSpacing", "00:00:00.200"),
        new("Presence:TypingTimeout", "00:00:01"),
    ];
}

/// <summary>Short keys and no expiry notifications: only the sweep (every second) can find a vanished device.</summary>
public sealed class SweepOnlyFixture : ChatHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Presence:HeartbeatInterval", "00:00:01"),
        new("Presence:MinHeartbeatSpacing", "00:00:00.200"),
        new("Presence:ExpiryNotifications", "false"),
        new("Presence:SweepInterval", "00:00:01"),
    ];
}
