using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>Appends entries to a conversation's log at gapless seqs.</summary>
internal static class ConversationLog
{
    /// <summary>
    /// Takes the conversation's next seq and adds the entry. The UPDATE locks the conversation row until the
    /// transaction ends, so concurrent appends to one conversation queue up and their seqs never gap or repeat:
    /// a rolled-back append gives its seq back.
    /// </summary>
    public static async Task<Message> AppendAsync(
        MessagingDbContext db, Guid conversationId, DateTimeOffset now, Func<long, Message> entry, CancellationToken cancellationToken)
    {
        var seqs = await db.Database
            .SqlQuery<long>($"UPDATE messaging.conversations SET last_seq = last_seq + 1, last_activity_at = {now} WHERE conversation_id = {conversationId} RETURNING last_seq AS \"Value\"")
            .ToListAsync(cancellationToken);
        var message = entry(seqs.Single());
        db.Messages.Add(message);
        return message;
    }

    public static Message SystemEvent(
        Guid conversationId, long seq, DateTimeOffset now, Guid actorId, SystemEventKind kind, Guid[] userIds, string? title = null) => new()
    {
        ConversationId = conversationId,
        Seq = seq,
        MessageId = Guid.CreateVersion7(now),
        SenderId = actorId,
        SentAt = now,
        SystemKind = kind,
        SystemUserIds = userIds,
        SystemTitle = title,
    };
}
