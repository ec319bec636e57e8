using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Messaging.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ChatMonolith.Bench.TransportFloor;

/// <summary>Register and Login for the bench's untimed set-up: a user id, and a token that is the user id.</summary>
internal sealed class FloorIdentityService(FloorState state) : IdentityService.IdentityServiceBase
{
    public override Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        var userId = state.UserIds.GetOrAdd(request.Username, _ => Guid.NewGuid().ToString());
        return Task.FromResult(new RegisterResponse { UserId = userId, Username = request.Username });
    }

    public override Task<LoginResponse> Login(LoginRequest request, ServerCallContext context) =>
        state.UserIds.TryGetValue(request.Username, out var userId)
            ? Task.FromResult(new LoginResponse { UserId = userId, DeviceId = Guid.NewGuid().ToString(), Tokens = new TokenPair { AccessToken = userId } })
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "unknown user"));
}

/// <summary>Direct chats and groups for the bench's set-up.</summary>
internal sealed class FloorConversationService(FloorState state) : ConversationService.ConversationServiceBase
{
    public override Task<OpenDirectChatResponse> OpenDirectChat(OpenDirectChatRequest request, ServerCallContext context) =>
        Task.FromResult(new OpenDirectChatResponse { Conversation = Create([FloorState.Caller(context), request.UserId]) });

    public override Task<CreateGroupResponse> CreateGroup(CreateGroupRequest request, ServerCallContext context) =>
        Task.FromResult(new CreateGroupResponse { Conversation = Create([FloorState.Caller(context), .. request.MemberIds]) });

    private Conversation Create(List<string> memberIds)
    {
        var conversation = new FloorConversation(Guid.NewGuid().ToString(), memberIds);
        state.Conversations[conversation.Id] = conversation;
        return new Conversation { ConversationId = conversation.Id, LastSeq = conversation.LastSeq };
    }
}

/// <summary>
/// The Connect stream: a hello is answered at once, a send takes its seq, goes to every member's streams (the
/// sender's too, as on the host) and is then acknowledged.
/// </summary>
internal sealed class FloorChatStreamService(FloorState state) : ChatStreamService.ChatStreamServiceBase
{
    public override async Task Connect(IAsyncStreamReader<ClientEvent> requestStream, IServerStreamWriter<ServerEvent> responseStream, ServerCallContext context)
    {
        var session = new FloorSession(FloorState.Caller(context));
        state.Register(session);
        var writing = session.WriteLoopAsync(responseStream, context);
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                var clientEvent = requestStream.Current;
                switch (clientEvent.EventCase)
                {
                    case ClientEvent.EventOneofCase.Hello:
                        session.Send(new ServerEvent { CaughtUp = new CaughtUp { At = Timestamp.FromDateTime(DateTime.UtcNow) } });
                        break;
                    case ClientEvent.EventOneofCase.Send:
                        Send(session, clientEvent.Send);
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away or reset the stream.
        }
        finally
        {
            state.Unregister(session);
            session.Close();
        }

        await writing;
    }

    private void Send(FloorSession sender, SendMessageRequest request)
    {
        if (!state.Conversations.TryGetValue(request.ConversationId, out var conversation))
        {
            sender.Send(new ServerEvent { Rejected = new RequestRejected { ConversationId = request.ConversationId, ClientMsgId = request.ClientMsgId, Code = (int)StatusCode.NotFound } });
            return;
        }

        var sentAt = Timestamp.FromDateTime(DateTime.UtcNow);
        var message = new Message
        {
            ConversationId = conversation.Id, MessageId = Guid.NewGuid().ToString(), SenderId = sender.UserId,
            ClientMsgId = request.ClientMsgId, SentAt = sentAt, Text = request.Text,
        };

        // Seq taken and delivered under the lock: every stream sees the conversation in seq order.
        lock (conversation.Lock)
        {
            message.Seq = ++conversation.LastSeq;
            var delivery = new ServerEvent { Message = message };
            foreach (var memberId in conversation.MemberIds)
            {
                if (state.SessionsByUser.TryGetValue(memberId, out var sessions))
                {
                    sessions.ForEach(session => session.Send(delivery));
                }
            }
        }

        sender.Send(new ServerEvent
        {
            SendAccepted = new SendAccepted { ConversationId = conversation.Id, ClientMsgId = request.ClientMsgId, MessageId = message.MessageId, Seq = message.Seq, SentAt = sentAt },
        });
    }
}
