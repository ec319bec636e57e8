using ChatMonolith.Modules.Messaging.Contracts.Stream;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Protos.Receipts.V1;
using Google.Protobuf.WellKnownTypes;

namespace ChatMonolith.Modules.Messaging.Grpc;

/// <summary>Other modules' <see cref="StreamUpdate"/>s as the stream's wire events.</summary>
internal static class StreamUpdateMapping
{
    public static ServerEvent ToServerEvent(StreamUpdate update) => update switch
    {
        ReceiptChanged receipt => new ServerEvent { Receipt = ToProto(receipt) },
        PresenceChanged presence => new ServerEvent { Presence = ToProto(presence) },
        TypingChanged typing => new ServerEvent { Typing = ToProto(typing) },
        _ => throw new ArgumentOutOfRangeException(nameof(update), update.GetType().Name, "Not a stream update this host knows."),
    };

    private static PresenceUpdate ToProto(PresenceChanged presence) => new()
    {
        UserId = presence.UserId.ToString(),
        State = (PresenceState)presence.Status,
        LastSeenAt = Time(presence.LastSeenAt),
    };

    private static ReceiptUpdate ToProto(ReceiptChanged receipt) => new()
    {
        ConversationId = receipt.ConversationId.ToString(),
        UserId = receipt.UserId.ToString(),
        DeliveredSeq = receipt.DeliveredSeq,
        DeliveredAt = Time(receipt.DeliveredAt),
        ReadSeq = receipt.ReadSeq,
        ReadAt = Time(receipt.ReadAt),
        DeliveredToAllSeq = receipt.DeliveredToAllSeq,
        ReadByAllSeq = receipt.ReadByAllSeq,
    };

    private static TypingUpdate ToProto(TypingChanged typing) => new()
    {
        ConversationId = typing.ConversationId.ToString(),
        UserId = typing.UserId.ToString(),
        Typing = typing.Typing,
        ExpiresAt = Time(typing.ExpiresAt),
    };

    private static Timestamp? Time(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;
}
