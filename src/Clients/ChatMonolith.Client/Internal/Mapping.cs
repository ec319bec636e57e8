using Google.Protobuf.WellKnownTypes;
using Wire = ChatMonolith.Protos;

namespace ChatMonolith.Client.Internal;

/// <summary>From the wire's shapes to the SDK's own.</summary>
internal static class Mapping
{
    public static DateTimeOffset? Time(Timestamp? time) => time is null ? null : time.ToDateTimeOffset();

    public static ChatMessage Message(Wire.Messaging.V1.Message m) => new(
        m.ConversationId,
        m.Seq,
        m.MessageId,
        m.SenderId,
        m.ClientMsgId,
        Time(m.SentAt) ?? DateTimeOffset.MinValue,
        m.BodyCase == Wire.Messaging.V1.Message.BodyOneofCase.Text ? m.Text : null,
        m.BodyCase == Wire.Messaging.V1.Message.BodyOneofCase.System
            ? new SystemChange(Defined((SystemChangeKind)(int)m.System.Kind), [.. m.System.UserIds], m.System.Title)
            : null);

    public static Conversation Conversation(Wire.Messaging.V1.Conversation c) => new(
        c.ConversationId,
        Defined((ConversationKind)(int)c.Kind),
        c.Title,
        c.LastSeq,
        Time(c.LastActivityAt),
        [.. c.Members.Select(m => new Member(m.UserId, Defined((MemberRole)(int)m.Role), m.JoinedSeq))],
        c.LastMessage is null ? null : Message(c.LastMessage),
        c.RemovedSeq,
        c.UnreadCount);

    public static SentMessage Sent(Wire.Messaging.V1.SendAccepted a) =>
        new(a.ConversationId, a.ClientMsgId, a.MessageId, a.Seq, Time(a.SentAt) ?? DateTimeOffset.MinValue);

    public static Receipt Receipt(Wire.Receipts.V1.ReceiptUpdate r) => new(
        r.ConversationId, r.UserId, r.DeliveredSeq, Time(r.DeliveredAt), r.ReadSeq, Time(r.ReadAt), r.DeliveredToAllSeq, r.ReadByAllSeq);

    public static Presence Presence(Wire.Presence.V1.PresenceUpdate p) =>
        new(p.UserId, Defined((PresenceState)(int)p.State), Time(p.LastSeenAt));

    public static Typing Typing(Wire.Presence.V1.TypingUpdate t) => new(t.ConversationId, t.UserId, t.Typing, Time(t.ExpiresAt));

    public static Device Device(Wire.Identity.V1.Device d) => new(
        d.DeviceId, d.Name, Defined((Platform)(int)d.Platform), Time(d.CreatedAt), Time(d.LastActiveAt), Time(d.RevokedAt), d.Current);

    public static Profile Profile(Wire.Identity.V1.Profile p) => new(p.UserId, p.Username, p.DisplayName);

    /// <summary>A value a newer server added is shown as Unknown, not as a number the enum does not name.</summary>
    private static T Defined<T>(T value)
        where T : struct, System.Enum => System.Enum.IsDefined(value) ? value : default;
}
