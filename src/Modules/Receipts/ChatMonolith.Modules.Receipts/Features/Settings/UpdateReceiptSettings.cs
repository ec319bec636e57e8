using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Receipts.Features.Settings;

public sealed record UpdateReceiptSettings(Caller Caller, bool ReadReceipts);

public static class UpdateReceiptSettingsHandler
{
    /// <summary>An upsert, so two devices changing it at once cannot collide.</summary>
    public static async Task<ReceiptSettingsView> Handle(UpdateReceiptSettings command, ReceiptsDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO receipts.settings (user_id, read_receipts) VALUES ({command.Caller.UserId}, {command.ReadReceipts})
            ON CONFLICT (user_id) DO UPDATE SET read_receipts = EXCLUDED.read_receipts
            """,
            cancellationToken);
        return new ReceiptSettingsView(command.ReadReceipts);
    }
}
