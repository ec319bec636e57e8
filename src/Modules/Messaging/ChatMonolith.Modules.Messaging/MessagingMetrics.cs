using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatMonolith.BuildingBlocks.Observability;

namespace ChatMonolith.Modules.Messaging;

/// <summary>Messaging's metrics (meter <c>ChatMonolith.Messaging</c>) and its traces' source, of the same name.</summary>
internal sealed class MessagingMetrics
{
    public const string MeterName = ChatMeters.Prefix + "Messaging";

    /// <summary>A send's span runs from its receipt on the stream (or call) to its answer, after the commit and the fan-out.</summary>
    public static readonly ActivitySource Traces = new(MeterName);

    public MessagingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        SendsAccepted = meter.CreateCounter<long>("chat.sends.accepted", "{send}",
            "Sends answered with SendAccepted: stored now, or the retry of one stored before");
        SendsStored = meter.CreateCounter<long>("chat.sends.stored", "{message}", "Messages stored");
        SendBatchSize = meter.CreateHistogram("chat.send.batch.size", "{send}", "Sends written in one transaction",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        DeliveryLatency = meter.CreateHistogram("chat.delivery.latency", "ms",
            "From a committed entry reaching the delivery router (right after its commit) to its write on a device's stream",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ChatMeters.LatencyBuckets });
        OpenStreams = meter.CreateUpDownCounter<long>("chat.streams.open", "{stream}", "Device streams open on this host");
        CatchUpMessages = meter.CreateCounter<long>("chat.catchup.messages", "{message}",
            "Entries a stream read from the log rather than live: its catch-up, and gaps it filled");
        RoutingPublishes = meter.CreateCounter<long>("chat.routing.publishes", "{publish}",
            "Events published to other hosts through Redis, one per recipient user and batch");
        RoutingPublishesSkipped = meter.CreateCounter<long>("chat.routing.publishes_skipped", "{publish}",
            "Publishes not made because Redis was away; the streams they were for catch up from the log");
        RoutingArrivals = meter.CreateCounter<long>("chat.routing.arrivals", "{publish}", "Publishes of other hosts received for this host's streams");
        RoutingProbeFailures = meter.CreateCounter<long>("chat.routing.probe_failures", "{probe}",
            "Probes of this host's own subscription that did not come back: the pub/sub connection was replaced");
        SendsForwarded = meter.CreateCounter<long>("chat.sends.forwarded", "{message}",
            "Sends forwarded to the host that writes their conversation");
        SendsWrittenForOthers = meter.CreateCounter<long>("chat.sends.written_for_other_hosts", "{message}",
            "Sends other hosts forwarded to this one, which writes their conversation");
        SendsForwardFallbacks = meter.CreateCounter<long>("chat.sends.forward_fallbacks", "{message}",
            "Forwarded sends that this host wrote itself after all: the owner did not answer in time, or could not take them");
        SlowConsumerCuts = meter.CreateCounter<long>("chat.streams.slow_consumer_cuts", "{stream}",
            "Streams ended because their device did not read fast enough");
    }

    public Counter<long> SendsAccepted { get; }

    public Counter<long> SendsStored { get; }

    public Histogram<int> SendBatchSize { get; }

    public Histogram<double> DeliveryLatency { get; }

    public UpDownCounter<long> OpenStreams { get; }

    public Counter<long> CatchUpMessages { get; }

    public Counter<long> SlowConsumerCuts { get; }

    public Counter<long> SendsForwarded { get; }

    public Counter<long> SendsWrittenForOthers { get; }

    public Counter<long> SendsForwardFallbacks { get; }

    public Counter<long> RoutingPublishes { get; }

    public Counter<long> RoutingPublishesSkipped { get; }

    public Counter<long> RoutingArrivals { get; }

    public Counter<long> RoutingProbeFailures { get; }
}
