namespace ChatMonolith.Bench;

internal sealed record DirectResult(
    int Users,
    int OfferedRate,
    double Seconds,
    double DeliveredPerSecond,
    double AckedPerSecond,
    LatencySummary SentAck,
    LatencySummary EndToEnd,
    long Sent,
    long Acked,
    long Rejected,
    long Lost,
    long Duplicates,
    long OutOfOrder,
    double? HostCpuPercent,
    long? HostRssBytes,
    long? HostPeakRssBytes,
    long AcksSent,
    long ReceiptEvents)
{
    public bool Correct => Lost == 0 && Duplicates == 0 && OutOfOrder == 0 && Rejected == 0;
}
