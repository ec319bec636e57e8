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
    long ReceiptEvents,
    CpuSplit Cpu)
{
    /// <summary>Microseconds of CPU per delivered message: the host's, and the whole machine's.</summary>
    public double? HostCpuMicrosPerMessage => HostCpuPercent / 100 * 1e6 / Math.Max(1, DeliveredPerSecond);

    public double MachineCpuMicrosPerMessage => Cpu.Machine / 100 * 1e6 / Math.Max(1, DeliveredPerSecond);

    public bool Correct => Lost == 0 && Duplicates == 0 && OutOfOrder == 0 && Rejected == 0;
}
