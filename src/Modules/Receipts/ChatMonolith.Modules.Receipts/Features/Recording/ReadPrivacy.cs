using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>
/// Who shares reads with whom. As in WhatsApp: a user who turns read receipts off neither sends nor sees reads in
/// direct chats; groups always show them. Delivery is never hidden.
/// </summary>
internal sealed class ReadPrivacy(IReadOnlySet<Guid> receiptsOff)
{
    /// <summary>Whether the members of a conversation see each other's reads.</summary>
    public bool ReadsShared(bool isGroup, IEnumerable<Guid> memberIds) =>
        isGroup || memberIds.All(id => !receiptsOff.Contains(id));

    /// <summary>The settings of every member of the direct chats among <paramref name="conversations"/> (groups need none).</summary>
    public static async Task<ReadPrivacy> LoadAsync(
        ReceiptsDbContext db, IEnumerable<(bool IsGroup, IEnumerable<Guid> MemberIds)> conversations, CancellationToken cancellationToken)
    {
        var userIds = conversations.Where(c => !c.IsGroup).SelectMany(c => c.MemberIds).Distinct().ToList();
        var off = userIds.Count == 0
            ? []
            : await db.Settings.AsNoTracking().Where(s => userIds.Contains(s.UserId) && !s.ReadReceipts).Select(s => s.UserId).ToListAsync(cancellationToken);
        return new ReadPrivacy(off.ToHashSet());
    }
}
