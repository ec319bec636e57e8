using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Pushes;

/// <summary>
/// The user read a conversation, on any device: each of their devices that shows a notification for it gets a silent
/// clear with the new badge, as soon as Messaging has counted it (as Mattermost's push proxy does), and a push still
/// waiting in its window for what was just read is not sent at all.
/// </summary>
public static class ConversationReadHandler
{
    public static async Task<CountUnreadTotals?> Handle(ConversationRead read, NotificationsDbContext db, PushSignal signal, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var changed = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            UPDATE notifications.push_windows
            SET kind = {(short)PushKind.Clear},
                state = CASE WHEN shown THEN {(short)PushState.Pending} ELSE {(short)PushState.Done} END,
                due_at = {now}, unread = 0, badge = NULL, attempts = 0, claim_id = NULL, claimed_at = NULL
            WHERE user_id = {read.UserId} AND conversation_id = {read.ConversationId}
              AND kind = {(short)PushKind.Message} AND last_seq <= {read.ReadSeq}
              AND (shown OR state = {(short)PushState.Pending})
            """,
            cancellationToken);
        if (changed == 0)
        {
            return null;
        }

        signal.DueAt(db, now);
        signal.DueAt(db, now + PushDispatcher.BadgeWait);
        return new CountUnreadTotals([read.UserId]);
    }
}
