using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Grpc;
using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Modules.Messaging.Features.Conversations;
using ChatMonolith.Modules.Messaging.Features.Send;
using ChatMonolith.Protos.Messaging.V1;
using Google.Protobuf.WellKnownTypes;

namespace ChatMonolith.Modules.Messaging.Grpc;

internal static class MessagingProtoMapping
{
    public static Message ToProto(MessageView view)
    {
        var message = new Message
        {
            ConversationId = view.ConversationId.ToString(),
            Seq = view.Seq,
            MessageId = view.MessageId.ToString(),
            SenderId = view.SenderId?.ToString() ?? "",
            ClientMsgId = view.ClientMsgId?.ToString() ?? "",
            SentAt = Timestamp.FromDateTimeOffset(view.SentAt),
        };
        if (view.SystemKind is { } kind)
        {
            var system = new SystemEvent { Kind = (SystemEvent.Types.Kind)kind, Title = view.SystemTitle ?? "" };
            system.UserIds.AddRange(view.SystemUserIds.Select(id => id.ToString()));
            message.System = system;
        }
        else
        {
            message.Text = view.Text ?? "";
        }

        return message;
    }

    public static Conversation ToProto(ConversationView view)
    {
        var conversation = new Conversation
        {
            ConversationId = view.ConversationId.ToString(),
            Kind = (ConversationKind)view.Kind,
            Title = view.Title,
            LastSeq = view.LastSeq,
            LastActivityAt = Timestamp.FromDateTimeOffset(view.LastActivityAt),
            LastMessage = view.LastMessage is null ? null : ToProto(view.LastMessage),
            RemovedSeq = view.RemovedSeq ?? 0,
            UnreadCount = view.UnreadCount,
        };
        conversation.Members.AddRange(view.Members.Select(m =>
            new Member { UserId = m.UserId.ToString(), Role = (MemberRole)m.Role, JoinedSeq = m.JoinedSeq }));
        return conversation;
    }

    /// <summary>The shared state of a changed conversation, without what is particular to one member.</summary>
    public static ConversationChanged Changed(ConversationView view)
    {
        var conversation = ToProto(view);
        conversation.LastMessage = null;
        conversation.UnreadCount = 0;
        conversation.RemovedSeq = 0;
        return new ConversationChanged { Conversation = conversation };
    }

    public static SendAccepted ToProto(SentMessage sent) => new()
    {
        ConversationId = sent.ConversationId.ToString(),
        ClientMsgId = sent.ClientMsgId.ToString(),
        MessageId = sent.MessageId.ToString(),
        Seq = sent.Seq,
        SentAt = Timestamp.FromDateTimeOffset(sent.SentAt),
    };

    public static RequestRejected Rejected(RequestRejected.Types.Request request, string conversationId, string clientMsgId, ChatException failure)
    {
        var rejected = new RequestRejected
        {
            Request = request,
            ConversationId = Echo(conversationId),
            ClientMsgId = Echo(clientMsgId),
            Code = (int)failure.Code,
            Message = failure.Message,
            Reason = failure.Reason,
        };
        rejected.InvalidFields.AddRange(failure.FieldViolations.Select(v => v.Field));
        if (ErrorMappingInterceptor.RetryDelayOf(failure) is { } retryAfter)
        {
            rejected.RetryAfter = Duration.FromTimeSpan(retryAfter);
        }

        return rejected;
    }

    /// <summary>
    /// An id as the request named it, cut to <see cref="EchoedIdLength"/> characters: a valid id has 36, and a refusal
    /// of a 70 KB id that carried it back would fill the device's HTTP/2 window for nothing.
    /// </summary>
    private static string Echo(string id) =>
        id.Length <= EchoedIdLength ? id : id[..(char.IsHighSurrogate(id[EchoedIdLength - 1]) ? EchoedIdLength - 1 : EchoedIdLength)];

    private const int EchoedIdLength = 64;
}
