using Google.Protobuf;

namespace ChatMonolith.Modules.Messaging.Contracts.Delivery;

/// <summary>
/// Request: put <paramref name="Event"/> on the open streams of <paramref name="Targets"/>, on any host; devices without
/// an open stream are skipped (nothing is stored). The one way in for other modules' real-time events. The event is
/// one of the stream event shapes their owners publish in their own protos (a <c>chat.receipts.v1.ReceiptUpdate</c>, a
/// <c>chat.presence.v1.PresenceUpdate</c> or <c>TypingUpdate</c>); it reaches the device as is.
/// </summary>
public sealed record DeliverToDevices(IReadOnlyList<DeviceTarget> Targets, IMessage Event)
{
    /// <summary>Every connected device of each of <paramref name="userIds"/>.</summary>
    public static DeliverToDevices ToUsers(IEnumerable<Guid> userIds, IMessage streamEvent) =>
        new([.. userIds.Select(id => new DeviceTarget(id, null))], streamEvent);
}

/// <summary>A user's devices, or one of them.</summary>
public sealed record DeviceTarget(Guid UserId, Guid? DeviceId);
