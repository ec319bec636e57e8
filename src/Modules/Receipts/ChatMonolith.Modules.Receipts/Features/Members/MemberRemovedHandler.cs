using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Receipts.Features.Members;

/// <summary>Members leave only groups; a removal that overtook its member's join is kept, and the older join ignored.</summary>
public static class MemberRemovedHandler
{
    public static Task Handle(MemberRemoved removed, ReceiptsDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO receipts.members (conversation_id, user_id, is_group, joined_seq, removed_seq)
            VALUES ({removed.ConversationId}, {removed.UserId}, true, 0, {removed.RemovedSeq})
            ON CONFLICT (conversation_id, user_id) DO UPDATE SET removed_seq = EXCLUDED.removed_seq
                WHERE EXCLUDED.removed_seq > GREATEST(members.joined_seq, COALESCE(members.removed_seq, 0))
            """,
            cancellationToken);
}
