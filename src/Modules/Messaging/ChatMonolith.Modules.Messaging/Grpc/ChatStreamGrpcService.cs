using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Delivery;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;
using Wolverine;
using static ChatMonolith.Modules.Messaging.Grpc.MessagingProtoMapping;

namespace ChatMonolith.Modules.Messaging.Grpc;

internal sealed class ChatStreamGrpcService(StreamRequests requests, DeviceStreams streams, IMessageBus bus)
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
        await streams.RunAsync(caller, cursors, new ServerEventWriter(responseStream, context), (session, cancellationToken) => requests.ReadAsync(requestStream, session, cancellationToken), context.CancellationToken);
    }

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<ServerEvent> responseStream, ServerCallContext context) =>
        await streams.RunAsync(context.GetCaller(), Cursors(request.Hello ?? new Hello()), new ServerEventWriter(responseStream, context), readLoop: null, context.CancellationToken);

    public override async Task<SendMessageResponse> SendMessage(SendMessageRequest request, ServerCallContext context) =>
        new() { Accepted = ToProto(await requests.SendAsync(context.GetCaller(), request, context.CancellationToken)) };

    /// <summary>Answers once the ack is stored as a receipt.</summary>
    public override async Task<AckDeliveredResponse> AckDelivered(AckDeliveredRequest request, ServerCallContext context)
    {
        var acked = await requests.AckAsync(context.GetCaller(), request, context.CancellationToken);
        await bus.InvokeAsync(acked, context.CancellationToken);
        return new AckDeliveredResponse();
    }

    /// <summary>Answers once the read is stored as a receipt.</summary>
    public override async Task<MarkReadResponse> MarkRead(MarkReadRequest request, ServerCallContext context)
    {
        var position = await requests.MarkReadAsync(context.GetCaller(), request, context.CancellationToken);
        await bus.InvokeAsync(position.Receipt, context.CancellationToken);
        return new MarkReadResponse { ReadSeq = position.ReadSeq, UnreadCount = position.UnreadCount };
    }

    private static Dictionary<Guid, long> Cursors(Hello hello) => Validator.Parse(v => hello.Cursors
        .Select((c, i) => (Id: v.Uuid(c.ConversationId, $"hello.cursors[{i}].conversation_id"), c.Seq))
        .GroupBy(c => c.Id)
        .ToDictionary(g => g.Key, g => g.Max(c => c.Seq)));
}
