using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Delivery.Routing;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatMonolith.Modules.Messaging.Features.Send.Forwarding;

/// <summary>
/// The owner's side of forwarding (docs/adr/0021): sends other hosts forwarded because this host writes their
/// conversations go into its group commit in the order they were published, and each is answered on its origin's
/// channel once committed. A send whose number does not follow the last one taken of its run (one before it was lost
/// in Redis) is not taken: the origin writes it, and the rest of its run, itself. Started with the host (a forward may
/// come before this host takes a send of its own); once the host stops, every forward is handed back.
/// </summary>
internal sealed class ForwardedSends : IHostedService
{
    private readonly SendGroupCommit _writer;
    private readonly RedisRoutes _routes;
    private readonly MessagingMetrics _metrics;
    private readonly ILogger<ForwardedSends> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (ulong Run, long Next)> _runs = [];
    private volatile bool _stopping;

    public ForwardedSends(SendGroupCommit writer, RedisRoutes routes, MessagingMetrics metrics, ILogger<ForwardedSends> logger)
    {
        (_writer, _routes, _metrics, _logger) = (writer, routes, metrics, logger);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _routes.ForwardArrived = OnForwardAsync;
        return Task.CompletedTask;
    }

    /// <summary>From now on the origins write what they forward here themselves.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        return Task.CompletedTask;
    }

    private async Task OnForwardAsync(byte[] payload)
    {
        ForwardedSend send;
        try
        {
            send = ForwardedSend.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            _logger.LogWarning(e, "Dropped an undecodable forwarded send");
            return;
        }

        if (_stopping || !Take(send))
        {
            Answer(send, new ForwardedSendAnswer { WriteItYourself = true });
            return;
        }

        var command = new SendMessage(
            new Caller(new Guid(send.UserId.Span), new Guid(send.DeviceId.Span)), new Guid(send.ConversationId.Span), new Guid(send.ClientMsgId.Span), send.Text);
        Task<SentMessage> stored;
        try
        {
            stored = await _writer.QueueAsync(command, CancellationToken.None);
        }
        catch (Exception e)
        {
            Answer(send, AnswerOf(e));
            return;
        }

        _metrics.SendsWrittenForOthers.Add(1);
        _ = AnswerWhenStoredAsync(send, stored);
    }

    /// <summary>Whether the send is the next of its run: the first of a run is number 0, and none is skipped.</summary>
    private bool Take(ForwardedSend send)
    {
        lock (_gate)
        {
            if (_runs.TryGetValue(send.Origin, out var run) && run.Run == send.Run)
            {
                if (send.Number != run.Next)
                {
                    return false;
                }

                _runs[send.Origin] = (run.Run, run.Next + 1);
                return true;
            }

            if (send.Number != 0)
            {
                return false; // a run whose start was lost, or one this host refused to continue
            }

            _runs[send.Origin] = (send.Run, 1);
            return true;
        }
    }

    private async Task AnswerWhenStoredAsync(ForwardedSend send, Task<SentMessage> stored)
    {
        ForwardedSendAnswer answer;
        try
        {
            var sent = await stored;
            answer = new ForwardedSendAnswer
            {
                Stored = new Stored
                {
                    MessageId = UnsafeByteOperations.UnsafeWrap(sent.MessageId.ToByteArray()),
                    Seq = sent.Seq,
                    SentAtTicks = sent.SentAt.UtcTicks,
                },
            };
        }
        catch (Exception e)
        {
            answer = AnswerOf(e);
        }

        Answer(send, answer);
    }

    /// <summary>
    /// A refusal the client is to hear goes back as it is; anything else (the database away, this host shutting down)
    /// tells the origin to write the send itself, and it fails or succeeds there as if it had never left.
    /// </summary>
    private static ForwardedSendAnswer AnswerOf(Exception failure) =>
        failure is ChatException { Code: not StatusCode.Unavailable } refused
            ? new ForwardedSendAnswer { Refused = new Refused { Code = (int)refused.Code, Reason = refused.Reason, Message = refused.Message } }
            : new ForwardedSendAnswer { WriteItYourself = true };

    private void Answer(ForwardedSend send, ForwardedSendAnswer answer)
    {
        answer.Run = send.Run;
        answer.Number = send.Number;
        if (!_routes.PublishAnswer(send.Origin, answer.ToByteArray()))
        {
            _logger.LogDebug("Answering a send forwarded by host {Host} failed: Redis is away; it writes the send itself after its timeout", send.Origin);
        }
    }
}
