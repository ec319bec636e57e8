using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Receipts.Features.Settings;

public sealed record GetReceiptSettings(Caller Caller);

public sealed record ReceiptSettingsView(bool ReadReceipts);

[NonTransactional]
public static class GetReceiptSettingsHandler
{
    public static async Task<ReceiptSettingsView> Handle(GetReceiptSettings query, ReceiptsDbContext db, CancellationToken cancellationToken) =>
        new(await db.Settings.AsNoTracking()
            .Where(s => s.UserId == query.Caller.UserId)
            .Select(s => (bool?)s.ReadReceipts)
            .SingleOrDefaultAsync(cancellationToken) ?? true);
}
