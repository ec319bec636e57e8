using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Receipts.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Receipts.Features.Members;

/// <summary>
/// Keeps the members read model. Events may come twice or out of order: each carries the seq of its change, and only a
/// later change than the one stored is applied.
/// </summary>
public static class MemberAddedHandler
{
    public static Task Handle(MemberAdded added, ReceiptsDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO receipts.members (conversation_id, user_id, is_group, joined_seq, removed_seq)
            VALUES ({added.ConversationId}, {added.UserId}, {added.IsGroup}, {added.JoinedSeq}, NULL)
            ON CONFLICT (conversation_id, user_id) DO UPDATE
                SET is_group = EXCLUDED.is_group, joined_seq = EXCLUDED.joined_seq, removed_seq = NULL
                WHERE EXCLUDED.joined_seq > GREATEST(members.joined_seq, COALESCE(members.removed_seq, 0))
            """,
            cancellationToken);
}
