using System.Diagnostics.Metrics;
using ChatMonolith.BuildingBlocks.Observability;

namespace ChatMonolith.Modules.Presence;

/// <summary>Presence's metrics (meter <c>ChatMonolith.Presence</c>).</summary>
internal sealed class PresenceMetrics
{
    public const string MeterName = ChatMeters.Prefix + "Presence";

    private readonly Counter<long> _changes;

    public PresenceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _changes = meter.CreateCounter<long>("chat.presence.changes", "{change}", "Users who came online or went offline, by state");
    }

    public void Online() => _changes.Add(1, new KeyValuePair<string, object?>("state", "online"));

    public void Offline() => _changes.Add(1, new KeyValuePair<string, object?>("state", "offline"));
}
