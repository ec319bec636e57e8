using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Protos.Receipts.V1;
using Google.Protobuf;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>Other modules' stream events, each in its owner's own wire shape, put in the stream's envelope as they are.</summary>
internal static class StreamEvents
{
    public static ServerEvent ToServerEvent(IMessage streamEvent) => streamEvent switch
    {
        ReceiptUpdate receipt => new ServerEvent { Receipt = receipt },
        PresenceUpdate presence => new ServerEvent { Presence = presence },
        TypingUpdate typing => new ServerEvent { Typing = typing },
        _ => throw new ArgumentOutOfRangeException(nameof(streamEvent), streamEvent.Descriptor.FullName, "Not an event the device stream carries."),
    };
}
