using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Observability;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Presence.Contracts;
using ChatMonolith.Modules.Receipts.Contracts;
using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Modules.Messaging.Features.Reading;
using ChatMonolith.Modules.Messaging.Features.Send;
using ChatMonolith.Modules.Messaging.Features.Send.Forwarding;
using ChatMonolith.Modules.Messaging.Delivery;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wolverine;
using static ChatMonolith.Modules.Messaging.Grpc.MessagingProtoMapping;
using Request = ChatMonolith.Protos.Messaging.V1.RequestRejected.Types.Request;

namespace ChatMonolith.Modules.Messaging.Grpc;

/// <summary>
/// What a device sends up its stream, read one event at a time. Each goes to the module that owns it; a refused one is
/// answered on the stream, which stays open. A send is queued in the order it was read and answered when it is
/// committed, while the stream reads on (up to <see cref="MessagingOptions.MaxSendsInFlightPerStream"/> unanswered):
/// the group commit stores a conversation's sends in the order they were queued, on this host or on the one that writes
/// the conversation (<see cref="SendRouting"/>).
/// </summary>
internal sealed class StreamRequests(
    IMessageBus bus, SendRouting sends, IOptions<MessagingOptions> options, ErrorMetrics errors, ILogger<StreamRequests> logger)
{
    /// <returns>
    /// True when the device closed its side of the stream; false when the stream was cut under it (reset, connection
    /// lost, the stream stopped), which ends the read without an exception.
    /// </returns>
    public async Task<bool> ReadAsync(IAsyncStreamReader<ClientEvent> requests, DeviceSession session, CancellationToken cancellationToken)
    {
        var sendsInFlight = new SendsInFlight(options.Value.MaxSendsInFlightPerStream);
        while (true)
        {
            try
            {
                if (!await requests.MoveNext(cancellationToken))
                {
                    // A device that closes its side after sending still gets every answer.
                    await sendsInFlight.AllAnsweredAsync(cancellationToken);
                    return true;
                }
            }
            catch (RpcException)
            {
                // A request that does not decode (MalformedRequests) ends the stream with its INVALID_ARGUMENT, after
                // the sends taken before it are answered.
                await sendsInFlight.AllAnsweredAsync(cancellationToken);
                throw;
            }
            catch (Exception e) when (IsCut(e, cancellationToken))
            {
                if (session.DrainedBy is not null && !session.Ended.IsCancellationRequested)
                {
                    // The host drains: the sends it took are still stored and answered before the stream ends.
                    await sendsInFlight.AllAnsweredAsync(session.Ended);
                    return false;
                }

                logger.LogDebug("The stream of device {DeviceId} was cut: {Reason}", session.Caller.DeviceId, e.Message);
                return false;
            }

            var clientEvent = requests.Current;
            try
            {
                if (clientEvent.EventCase == ClientEvent.EventOneofCase.Send)
                {
                    await QueueSendAsync(clientEvent, session, sendsInFlight, cancellationToken);
                }
                else
                {
                    await HandleAsync(clientEvent, session.Caller, session, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                if (session.DrainedBy is not null && !session.Ended.IsCancellationRequested)
                {
                    await sendsInFlight.AllAnsweredAsync(session.Ended);
                }

                return false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Reject(session, clientEvent, e);
            }
        }
    }

    /// <summary>A refused request is answered on the stream; a failed one too, after it is logged.</summary>
    private void Reject(DeviceSession session, ClientEvent clientEvent, Exception e)
    {
        if (e is not ChatException failure)
        {
            // PostgreSQL or Redis away: this request failed and was not accepted, but the stream is still good.
            if (StoreFailures.IsStoreAway(e))
            {
                logger.LogWarning("A {Request} on a stream failed because a store is away: {Reason}", clientEvent.EventCase, e.GetBaseException().Message);
            }
            else
            {
                logger.LogError(e, "A {Request} on a stream failed", clientEvent.EventCase);
            }

            failure = StoreFailures.Unavailable;
        }

        errors.Record(failure);
        session.Send(new ServerEvent { Rejected = RejectionOf(clientEvent, failure) });
    }

    /// <summary>
    /// Returns once the send is queued (or refused); its answer goes down the stream when it is committed, after the
    /// answers of the stream's earlier sends: a stream's acks and refusals come in the order of its sends, whichever
    /// batch, conversation or host stored each.
    /// </summary>
    private async Task QueueSendAsync(ClientEvent clientEvent, DeviceSession session, SendsInFlight sendsInFlight, CancellationToken cancellationToken)
    {
        await sendsInFlight.WaitForRoomAsync(cancellationToken);
        Task<SentMessage> stored;
        try
        {
            stored = await sends.QueueAsync(ToCommand(session.Caller, clientEvent.Send), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            stored = Task.FromException<SentMessage>(e);
        }
        catch
        {
            sendsInFlight.Answered();
            throw;
        }

        sendsInFlight.LastAnswer = AnswerAsync(stored, sendsInFlight.LastAnswer, clientEvent, session, sendsInFlight);
    }

    private async Task AnswerAsync(Task<SentMessage> stored, Task previous, ClientEvent clientEvent, DeviceSession session, SendsInFlight sendsInFlight)
    {
        try
        {
            ServerEvent? accepted = null;
            Exception? failure = null;
            try
            {
                accepted = new ServerEvent { SendAccepted = ToProto(await stored) };
            }
            catch (Exception e)
            {
                failure = e;
            }

            await previous; // never faults: each answer catches its own failure
            if (accepted is not null)
            {
                session.Send(accepted);
            }
            else
            {
                Reject(session, clientEvent, failure!);
            }
        }
        finally
        {
            sendsInFlight.Answered();
        }
    }

    /// <summary>
    /// The request side of the stream is gone for good: the call was stopped, or Kestrel failed the read because the
    /// client reset the stream or the connection dropped (an <see cref="IOException"/>, raised before the call's
    /// cancellation is signalled). A malformed request is not a cut: it fails the call with its own status.
    /// </summary>
    private static bool IsCut(Exception e, CancellationToken cancellationToken) =>
        (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        || (e is IOException && e is not Microsoft.AspNetCore.Http.BadHttpRequestException);

    public Task<SentMessage> SendAsync(Caller caller, SendMessageRequest request, CancellationToken cancellationToken) =>
        sends.SendAsync(ToCommand(caller, request), cancellationToken);

    private static SendMessage ToCommand(Caller caller, SendMessageRequest request)
    {
        var (conversationId, clientMsgId) = Validator.Parse(v => (v.Uuid(request.ConversationId, "conversation_id"), v.Uuid(request.ClientMsgId, "client_msg_id")));
        return new SendMessage(caller, conversationId, clientMsgId, request.Text);
    }

    public Task<RecordDelivery> AckAsync(Caller caller, AckDeliveredRequest request, CancellationToken cancellationToken)
    {
        var conversationId = Validator.Parse(v => v.Uuid(request.ConversationId, "conversation_id"));
        return bus.InvokeAsync<RecordDelivery>(new AckDelivered(caller, conversationId, request.Seq), cancellationToken);
    }

    public Task<ReadPosition> MarkReadAsync(Caller caller, MarkReadRequest request, CancellationToken cancellationToken)
    {
        var conversationId = Validator.Parse(v => v.Uuid(request.ConversationId, "conversation_id"));
        return bus.InvokeAsync<ReadPosition>(new MarkRead(caller, conversationId, request.Seq), cancellationToken);
    }

    /// <summary>
    /// An ack of what this very stream wrote needs no database: the device has it, so the user may read it. Anything
    /// else (a seq from an earlier stream, a bad one) is checked by the slice.
    /// </summary>
    private async Task<RecordDelivery> AckOnStreamAsync(DeviceSession session, AckDeliveredRequest request, CancellationToken cancellationToken)
    {
        var conversationId = Validator.Parse(v => v.Uuid(request.ConversationId, "conversation_id"));
        return request.Seq >= 0 && request.Seq <= session.SentUpTo(conversationId)
            ? new RecordDelivery(conversationId, session.Caller.UserId, request.Seq)
            : await AckAsync(session.Caller, request, cancellationToken);
    }

    private async Task HandleAsync(ClientEvent clientEvent, Caller caller, DeviceSession session, CancellationToken cancellationToken)
    {
        switch (clientEvent.EventCase)
        {
            case ClientEvent.EventOneofCase.AckDelivered:
                StoreInBackground(await AckOnStreamAsync(session, clientEvent.AckDelivered, cancellationToken));
                break;
            case ClientEvent.EventOneofCase.MarkRead:
                StoreInBackground((await MarkReadAsync(caller, clientEvent.MarkRead, cancellationToken)).Receipt);
                break;
            case ClientEvent.EventOneofCase.Heartbeat:
                await bus.InvokeAsync<HeartbeatAccepted>(new DeviceHeartbeat(caller), cancellationToken);
                break;
            case ClientEvent.EventOneofCase.Typing:
                var conversationId = Validator.Parse(v => v.Uuid(clientEvent.Typing.ConversationId, "typing.conversation_id"));
                await bus.InvokeAsync(new SignalTyping(caller, conversationId, clientEvent.Typing.Typing), cancellationToken);
                break;
            case ClientEvent.EventOneofCase.WatchPresence:
                var userIds = Validator.Parse(v => clientEvent.WatchPresence.UserIds.Select((id, i) => v.Uuid(id, $"watch_presence.user_ids[{i}]")).ToList());
                // The snapshot comes down the stream from Presence itself, ahead of any later change.
                await bus.InvokeAsync<PresenceSnapshot>(new WatchPresence(caller, userIds), cancellationToken);
                break;
            default:
                throw ChatException.InvalidArgument([new FieldViolation("event", "must be a send, ack_delivered, mark_read, heartbeat, typing or watch_presence after the hello")]);
        }
    }

    /// <summary>
    /// Receipts are coalesced over a short window; the stream reads on meanwhile. The ack is already checked, so what
    /// could still fail is the server's storage, which is logged.
    /// </summary>
    private void StoreInBackground(object receipt) =>
        _ = bus.InvokeAsync(receipt, CancellationToken.None).ContinueWith(
            failed => logger.LogError(failed.Exception, "Storing {Receipt} failed", receipt),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static RequestRejected RejectionOf(ClientEvent clientEvent, ChatException failure) => clientEvent.EventCase switch
    {
        ClientEvent.EventOneofCase.Send => Rejected(Request.Send, clientEvent.Send.ConversationId, clientEvent.Send.ClientMsgId, failure),
        ClientEvent.EventOneofCase.AckDelivered => Rejected(Request.AckDelivered, clientEvent.AckDelivered.ConversationId, "", failure),
        ClientEvent.EventOneofCase.MarkRead => Rejected(Request.MarkRead, clientEvent.MarkRead.ConversationId, "", failure),
        ClientEvent.EventOneofCase.Heartbeat => Rejected(Request.Heartbeat, "", "", failure),
        ClientEvent.EventOneofCase.Typing => Rejected(Request.Typing, clientEvent.Typing.ConversationId, "", failure),
        ClientEvent.EventOneofCase.WatchPresence => Rejected(Request.WatchPresence, "", "", failure),
        _ => Rejected(Request.Unspecified, "", "", failure),
    };
}
