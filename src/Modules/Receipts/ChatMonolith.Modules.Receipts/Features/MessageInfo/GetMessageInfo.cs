using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts.Queries;
using ChatMonolith.Modules.Receipts.Data;
using ChatMonolith.Modules.Receipts.Features.Recording;
using Microsoft.EntityFrameworkCore;
using Wolverine;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Receipts.Features.MessageInfo;

public sealed record GetMessageInfo(Caller Caller, Guid ConversationId, long Seq);

/// <summary>When one member's watermarks passed the message; null times when the history no longer reaches back.</summary>
public sealed record MemberReceiptView(Guid UserId, bool Delivered, DateTimeOffset? DeliveredAt, bool Read, DateTimeOffset? ReadAt);

public sealed record MessageInfoView(Guid ConversationId, long Seq, IReadOnlyList<MemberReceiptView> Members);

/// <summary>
/// Who has a message delivered and read, derived from the members' watermarks and their recent history. As in
/// WhatsApp, only the message's sender may ask: the other members see the ticks of their own messages only.
/// </summary>
[NonTransactional]
public static class GetMessageInfoHandler
{
    public static async Task<MessageInfoView> Handle(GetMessageInfo query, IMessageBus bus, ReceiptsDbContext db, CancellationToken cancellationToken)
    {
        var audience = await bus.InvokeAsync<MessageAudience>(new GetMessageAudience(query.ConversationId, query.Seq, query.Caller.UserId), cancellationToken);
        if (audience.SenderId != query.Caller.UserId)
        {
            throw ChatException.PermissionDenied("NOT_THE_SENDER", "Only the sender of a message may see who received and read it.");
        }

        var watermarks = await db.Watermarks.AsNoTracking()
            .Where(w => w.ConversationId == query.ConversationId)
            .ToDictionaryAsync(w => w.UserId, cancellationToken);
        var memberIds = audience.Members.Select(m => m.UserId).ToList();
        var privacy = await ReadPrivacy.LoadAsync(db, [(audience.IsGroup, memberIds)], cancellationToken);
        var readsShared = privacy.ReadsShared(audience.IsGroup, memberIds);

        var members = audience.Members
            .Where(m => m.UserId != audience.SenderId)
            .Select(m => ReceiptOf(m.UserId, watermarks.GetValueOrDefault(m.UserId), query.Seq, readsShared))
            .ToList();
        return new MessageInfoView(query.ConversationId, query.Seq, members);
    }

    private static MemberReceiptView ReceiptOf(Guid userId, Watermark? watermark, long seq, bool readsShared)
    {
        if (watermark is null)
        {
            return new MemberReceiptView(userId, false, null, false, null);
        }

        var read = readsShared && watermark.ReadSeq >= seq;
        return new MemberReceiptView(
            userId,
            watermark.DeliveredSeq >= seq,
            watermark.DeliveredSeq >= seq ? FirstPassed(watermark.DeliveredMarks, watermark.DeliveredTimes, seq) : null,
            read,
            read ? FirstPassed(watermark.ReadMarks, watermark.ReadTimes, seq) : null);
    }

    /// <summary>The time of the first recorded move to or past <paramref name="seq"/>: exact while the history reaches back that far, else no earlier than the truth.</summary>
    private static DateTimeOffset? FirstPassed(long[] marks, DateTimeOffset[] times, long seq)
    {
        var index = Array.FindIndex(marks, mark => mark >= seq);
        return index >= 0 && index < times.Length ? times[index] : null;
    }
}
