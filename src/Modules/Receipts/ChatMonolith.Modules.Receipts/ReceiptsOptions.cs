namespace ChatMonolith.Modules.Receipts;

internal sealed class ReceiptsOptions
{
    public const string Section = "Receipts";

    /// <summary>Acks and reads within this window become one stored update and one event per member and conversation.</summary>
    public TimeSpan CoalescingWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many recent watermark moves a member keeps, for the times that message info shows.</summary>
    public int HistoryLength { get; set; } = 32;
}
