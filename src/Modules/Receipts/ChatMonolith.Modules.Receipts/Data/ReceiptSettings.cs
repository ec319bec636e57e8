namespace ChatMonolith.Modules.Receipts.Data;

/// <summary>A user's receipt choices; a user without a row has the defaults.</summary>
internal sealed class ReceiptSettings
{
    public Guid UserId { get; init; }

    public bool ReadReceipts { get; set; } = true;
}
