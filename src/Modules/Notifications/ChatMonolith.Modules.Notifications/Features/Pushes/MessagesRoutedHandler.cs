using System.Globalization;
using System.Text;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace ChatMonolith.Modules.Notifications.Features.Pushes;

/// <summary>
/// Decides the pushes for messages that Messaging stored and routed: each recipient device with a push target that no
/// live stream reached, unless the recipient muted the conversation. The sender is never a recipient, so their other
/// devices get none. A decision only opens or extends the device's coalescing window for the conversation
/// (<see cref="PushWindow"/>); the <see cref="PushDispatcher"/> sends it when the window closes. So this handler is
/// quick whatever the providers do, and the window row is what makes a push at most once. The badge is the one thing
/// it cannot know: it asks Messaging to count the pushed users' totals (<see cref="UnreadTotalsCountedHandler"/>).
/// </summary>
public static class MessagesRoutedHandler
{
    private const int RowsPerStatement = 500;

    public static async Task<CountUnreadTotals?> Handle(
        MessagesRouted routed,
        NotificationsDbContext db,
        PushSettings settings,
        PushSignal signal,
        NotificationsMetrics metrics,
        TimeProvider clock,
        ILogger<PushDecision> logger,
        CancellationToken cancellationToken)
    {
        var recipients = routed.Messages.SelectMany(m => m.RecipientIds).Distinct().ToList();
        var targets = await db.PushTargets.AsNoTracking()
            .Where(t => recipients.Contains(t.UserId))
            .Select(t => new { t.UserId, t.DeviceId })
            .ToListAsync(cancellationToken);
        if (targets.Count == 0)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var conversationIds = routed.Messages.Select(m => m.ConversationId).Distinct().ToList();
        var muted = (await db.Mutes.AsNoTracking()
                .Where(m => recipients.Contains(m.UserId) && conversationIds.Contains(m.ConversationId) && (m.Until == null || m.Until > now))
                .Select(m => new { m.UserId, m.ConversationId })
                .ToListAsync(cancellationToken))
            .Select(m => (m.UserId, m.ConversationId))
            .ToHashSet();
        var live = routed.LiveDevices.Select(d => d.DeviceId).OfType<Guid>().ToHashSet();
        var devicesByUser = targets.Where(t => !live.Contains(t.DeviceId)).ToLookup(t => t.UserId, t => t.DeviceId);
        var unread = routed.Unread.ToDictionary(u => (u.UserId, u.ConversationId), u => u.Count);
        var titles = routed.GroupTitles.ToDictionary(t => t.ConversationId, t => t.Title);
        var withContent = settings.Payload == PushPayload.Preview;

        // The newest message per device and conversation is what the window names.
        var windows = new Dictionary<(Guid UserId, Guid DeviceId, Guid ConversationId), PushWindow>();
        foreach (var message in routed.Messages)
        {
            foreach (var userId in message.RecipientIds)
            {
                if (muted.Contains((userId, message.ConversationId)))
                {
                    continue;
                }

                foreach (var deviceId in devicesByUser[userId])
                {
                    var key = (userId, deviceId, message.ConversationId);
                    if (windows.TryGetValue(key, out var newer) && newer.LastSeq >= message.Seq)
                    {
                        continue;
                    }

                    windows[key] = new PushWindow
                    {
                        UserId = userId,
                        DeviceId = deviceId,
                        ConversationId = message.ConversationId,
                        LastSeq = message.Seq,
                        SenderId = message.SenderId,
                        Preview = withContent ? Shortened(message.Preview, settings.PreviewLength) : "",
                        Title = withContent ? titles.GetValueOrDefault(message.ConversationId, "") : "",
                        Unread = unread.GetValueOrDefault((userId, message.ConversationId), 1),
                    };
                }
            }
        }

        if (windows.Count == 0)
        {
            return null;
        }

        var dueAt = now + settings.CoalesceWindow;
        foreach (var chunk in windows.Values.Chunk(RowsPerStatement))
        {
            await OpenOrExtendAsync(db, chunk, dueAt, cancellationToken);
        }

        metrics.Decided.Add(windows.Count);
        logger.LogDebug("{Count} pushes decided for {Messages} messages, due by {DueAt}", windows.Count, routed.Messages.Count, dueAt);
        signal.DueAt(db, dueAt);
        // Should Messaging's count not come in time, the dispatcher sends without it then.
        signal.DueAt(db, dueAt + PushDispatcher.BadgeWait);

        // The badge: each pushed user's total, counted by Messaging now that these messages are in it.
        return new CountUnreadTotals([.. windows.Keys.Select(k => k.UserId).Distinct()]);
    }

    /// <summary>
    /// Opens a window where none is open, due at <paramref name="dueAt"/>, or extends the open one, which keeps its due
    /// time: at most one push per window. A window that is being sent, or was, is followed by a new one. An event that
    /// comes twice changes nothing the second time: only a newer seq moves a window.
    /// </summary>
    private static Task<int> OpenOrExtendAsync(NotificationsDbContext db, PushWindow[] windows, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            """
            INSERT INTO notifications.push_windows AS w
                (user_id, device_id, conversation_id, kind, state, last_seq, sender_id, preview, title, unread, badge, due_at, attempts, shown)
            VALUES
            """);
        var parameters = new List<object> { new NpgsqlParameter("due", dueAt) };
        for (var i = 0; i < windows.Length; i++)
        {
            var window = windows[i];
            sql.Append(i == 0 ? "\n" : ",\n");
            sql.Append(CultureInfo.InvariantCulture,
                $"(@u{i}, @d{i}, @c{i}, {(short)PushKind.Message}, {(short)PushState.Pending}, @s{i}, @f{i}, @p{i}, @t{i}, @n{i}, NULL, @due, 0, false)");
            parameters.Add(new NpgsqlParameter($"u{i}", window.UserId));
            parameters.Add(new NpgsqlParameter($"d{i}", window.DeviceId));
            parameters.Add(new NpgsqlParameter($"c{i}", window.ConversationId));
            parameters.Add(new NpgsqlParameter($"s{i}", window.LastSeq));
            parameters.Add(new NpgsqlParameter($"f{i}", window.SenderId));
            parameters.Add(new NpgsqlParameter($"p{i}", NpgsqlDbType.Text) { Value = window.Preview });
            parameters.Add(new NpgsqlParameter($"t{i}", NpgsqlDbType.Text) { Value = window.Title });
            parameters.Add(new NpgsqlParameter($"n{i}", window.Unread));
        }

        sql.Append(
            $"""

            ON CONFLICT (user_id, device_id, conversation_id) DO UPDATE SET
                due_at = CASE WHEN w.state = {(short)PushState.Pending} THEN w.due_at ELSE excluded.due_at END,
                attempts = CASE WHEN w.state = {(short)PushState.Pending} THEN w.attempts ELSE 0 END,
                kind = excluded.kind, state = excluded.state, claim_id = NULL, claimed_at = NULL,
                last_seq = excluded.last_seq, sender_id = excluded.sender_id, preview = excluded.preview,
                title = excluded.title, unread = excluded.unread,
                badge = CASE WHEN w.state = {(short)PushState.Pending} THEN w.badge END
            WHERE w.last_seq < excluded.last_seq
            """);
        return db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
    }

    /// <summary>At most <paramref name="length"/> text elements (what a reader sees as characters), with an ellipsis when cut.</summary>
    internal static string Shortened(string text, int length)
    {
        var elements = new StringInfo(text);
        return elements.LengthInTextElements <= length ? text : elements.SubstringByTextElements(0, length) + "…";
    }
}

/// <summary>The log category of push decisions.</summary>
public sealed class PushDecision;
