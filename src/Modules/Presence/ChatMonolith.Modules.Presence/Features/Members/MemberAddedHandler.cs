using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Presence.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Presence.Features.Members;

/// <summary>
/// Keeps the members read model. Events may come twice or out of order: each carries the seq of its change, and only a
/// later change than the one stored is applied.
/// </summary>
public static class MemberAddedHandler
{
    public static Task Handle(MemberAdded added, PresenceDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO presence.members (conversation_id, user_id, joined_seq, removed_seq)
            VALUES ({added.ConversationId}, {added.UserId}, {added.JoinedSeq}, NULL)
            ON CONFLICT (conversation_id, user_id) DO UPDATE SET joined_seq = EXCLUDED.joined_seq, removed_seq = NULL
                WHERE EXCLUDED.joined_seq > GREATEST(members.joined_seq, COALESCE(members.removed_seq, 0))
            """,
            cancellationToken);
}
