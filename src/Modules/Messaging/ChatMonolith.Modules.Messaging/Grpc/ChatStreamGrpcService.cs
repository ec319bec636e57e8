using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Modules.Messaging.Features.Delivery;
using ChatMonolith.Modules.Messaging.Features.Send;
using ChatMonolith.Modules.Messaging.Realtime;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;
using Wolverine;
using static ChatMonolith.Modules.Messaging.Grpc.MessagingProtoMapping;

namespace ChatMonolith.Modules.Messaging.Grpc;

internal sealed class ChatStreamGrpcService(IMessageBus bus, CommandDispatcher dispatcher, DeviceStreams streams)
    : ChatStreamService.ChatStreamServiceBase
{
    public override async Task Connect(IAsyncStreamReader<ClientEvent> requestStream, IServerStreamWriter<ServerEvent> responseStream, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.EventCase != ClientEvent.EventOneofCase.Hello)
        {
            throw ChatException.InvalidArgument([new FieldViolation("hello", "the first event of a stream must be a hello")]);
        }

        var cursors = Cursors(requestStream.Current.Hello);
        await streams.RunAsync(caller, cursors, responseStream, (session, cancellationToken) => ReadAsync(requestStream, session, cancellationToken), context.CancellationToken);
    }

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<ServerEvent> responseStream, ServerCallContext context) =>
        await streams.RunAsync(context.GetCaller(), Cursors(request.Hello ?? new Hello()), responseStream, readLoop: null, context.CancellationToken);

    public override async Task<SendMessageResponse> SendMessage(SendMessageRequest request, ServerCallContext context) =>
        new() { Accepted = ToProto(await SendAsync(context.GetCaller(), request, context.CancellationToken)) };

    public override async Task<AckDeliveredResponse> AckDelivered(AckDeliveredRequest request, ServerCallContext context)
    {
        await AckAsync(context.GetCaller(), request, context.CancellationToken);
        return new AckDeliveredResponse();
    }

    /// <summary>What the device sends up, one event at a time, so its sends keep their order. A refused request is answered on the stream, which stays open.</summary>
    private async Task ReadAsync(IAsyncStreamReader<ClientEvent> requests, DeviceSession session, CancellationToken cancellationToken)
    {
        while (await requests.MoveNext(cancellationToken))
        {
            var clientEvent = requests.Current;
            try
            {
                switch (clientEvent.EventCase)
                {
                    case ClientEvent.EventOneofCase.Send:
                        session.Send(new ServerEvent { SendAccepted = ToProto(await SendAsync(session.Caller, clientEvent.Send, cancellationToken)) });
                        break;
                    case ClientEvent.EventOneofCase.AckDelivered:
                        await AckAsync(session.Caller, clientEvent.AckDelivered, cancellationToken);
                        break;
                    default:
                        throw ChatException.InvalidArgument([new FieldViolation("event", "must be a send or an ack_delivered after the hello")]);
                }
            }
            catch (ChatException failure)
            {
                session.Send(new ServerEvent { Rejected = RejectionOf(clientEvent, failure) });
            }
        }
    }

    private Task<SentMessage> SendAsync(Caller caller, SendMessageRequest request, CancellationToken cancellationToken)
    {
        var (conversationId, clientMsgId) = Validator.Parse(v => (v.Uuid(request.ConversationId, "conversation_id"), v.Uuid(request.ClientMsgId, "client_msg_id")));
        return dispatcher.InvokeAsync<SentMessage>(new SendMessage(caller, conversationId, clientMsgId, request.Text), cancellationToken);
    }

    private Task<long> AckAsync(Caller caller, AckDeliveredRequest request, CancellationToken cancellationToken)
    {
        var conversationId = Validator.Parse(v => v.Uuid(request.ConversationId, "conversation_id"));
        return bus.InvokeAsync<long>(new AckDelivered(caller, conversationId, request.Seq), cancellationToken);
    }

    private static RequestRejected RejectionOf(ClientEvent clientEvent, ChatException failure) => clientEvent.EventCase switch
    {
        ClientEvent.EventOneofCase.Send => Rejected(RequestRejected.Types.Request.Send, clientEvent.Send.ConversationId, clientEvent.Send.ClientMsgId, failure),
        ClientEvent.EventOneofCase.AckDelivered => Rejected(RequestRejected.Types.Request.AckDelivered, clientEvent.AckDelivered.ConversationId, "", failure),
        _ => Rejected(RequestRejected.Types.Request.Unspecified, "", "", failure),
    };

    private static Dictionary<Guid, long> Cursors(Hello hello) => Validator.Parse(v => hello.Cursors
        .Select((c, i) => (Id: v.Uuid(c.ConversationId, $"hello.cursors[{i}].conversation_id"), c.Seq))
        .GroupBy(c => c.Id)
        .ToDictionary(g => g.Key, g => g.Max(c => c.Seq)));
}
