using System.Diagnostics.Metrics;
using ChatMonolith.BuildingBlocks.Observability;

namespace ChatMonolith.Modules.Notifications;

/// <summary>Notifications' metrics (meter <c>ChatMonolith.Notifications</c>), each push tagged with its provider and kind.</summary>
public sealed class NotificationsMetrics
{
    internal const string MeterName = ChatMeters.Prefix + "Notifications";

    internal NotificationsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        Decided = meter.CreateCounter<long>("chat.pushes.decided", "{push}",
            "Messages for a device that no live stream reached, taken into its conversation's coalescing window");
        Sent = meter.CreateCounter<long>("chat.pushes.sent", "{push}", "Pushes the provider accepted");
        Unsent = meter.CreateCounter<long>("chat.pushes.unsent", "{push}",
            "Pushes for a provider this deployment has not configured: logged at Debug with what they would have carried, not sent");
        Retried = meter.CreateCounter<long>("chat.pushes.retried", "{push}", "Pushes the provider refused for now (429, 5xx), to be tried again");
        Failed = meter.CreateCounter<long>("chat.pushes.failed", "{push}", "Pushes given up: retries used up, a refusal, or an outcome unknown");
        TargetsRemoved = meter.CreateCounter<long>("chat.push_targets.removed", "{target}", "Targets deleted because the provider called them invalid or gone");
        Latency = meter.CreateHistogram("chat.push.latency", "ms",
            "From a push's due time (its coalescing window's end) to the provider's answer",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ChatMeters.LatencyBuckets });
    }

    internal Counter<long> Decided { get; }

    internal Counter<long> Sent { get; }

    internal Counter<long> Unsent { get; }

    internal Counter<long> Retried { get; }

    internal Counter<long> Failed { get; }

    internal Counter<long> TargetsRemoved { get; }

    internal Histogram<double> Latency { get; }
}
