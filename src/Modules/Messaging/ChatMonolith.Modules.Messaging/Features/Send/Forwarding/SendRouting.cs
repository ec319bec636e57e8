using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Messaging.Delivery.Routing;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Messaging.Features.Send.Forwarding;

/// <summary>
/// Where a send is written (docs/adr/0021). Each conversation has one owning host (<see cref="ConversationOwners"/>):
/// a send taken for a conversation this host owns goes to its own group commit, any other is forwarded through Redis
/// to the owner's (<see cref="ForwardedSends"/>), so that one conversation's sends share batches on one host instead of
/// two hosts' batches waiting for each other's commit on its row lock.
/// <para>
/// The order of a conversation's sends taken here is kept across every change of route. A conversation's sends go one
/// way at a time: a send whose route differs (ownership moved, Redis went away) waits until the earlier ones are
/// answered. Forwards to one owner are numbered in a run; the owner takes only the next number, so a forward lost in
/// Redis is never overtaken there. A forward not answered within <see cref="MessagingOptions.ForwardTimeout"/>, or
/// that the owner could not take, is written here, with every later one of its run, in their order; the owner may
/// still write some of them, and then the client_msg_id finds the stored copy. Either way one copy, in order.
/// </para>
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "A singleton whose timer lives as long as the process.")]
internal sealed class SendRouting
{
    private readonly SendGroupCommit _writer;
    private readonly SendLimit _limit;
    private readonly ConversationOwners _owners;
    private readonly RedisRoutes _routes;
    private readonly MessagingOptions _options;
    private readonly TimeProvider _clock;
    private readonly MessagingMetrics _metrics;
    private readonly ILogger<SendRouting> _logger;
    private readonly Lock _routesGate = new();
    private readonly Dictionary<Guid, Route> _byConversation = [];
    private readonly Lock _runsGate = new();
    private readonly Dictionary<string, Run> _runsByOwner = [];
    private readonly Dictionary<ulong, Run> _runsById = [];
    private readonly Timer _overdue;

    /// <summary>The route of sends that were forwarded and are now written here: no new send takes it.</summary>
    private const string WrittenHereAfterAll = "";

    public SendRouting(
        SendGroupCommit writer,
        SendLimit limit,
        ConversationOwners owners,
        RedisRoutes routes,
        IOptions<MessagingOptions> options,
        TimeProvider clock,
        MessagingMetrics metrics,
        ILogger<SendRouting> logger)
    {
        (_writer, _limit, _owners, _routes, _options, _clock, _metrics, _logger) = (writer, limit, owners, routes, options.Value, clock, metrics, logger);
        routes.AnswerArrived = OnAnswer;
        var every = _options.ForwardTimeout / 4;
        _overdue = new Timer(_ => WriteOverdueHere(), null, every, every);
    }

    /// <summary>Stores the message and answers once it is committed, here or on its conversation's owner.</summary>
    public async Task<SentMessage> SendAsync(SendMessage command, CancellationToken cancellationToken)
    {
        var stored = await QueueAsync(command, cancellationToken);
        return await stored.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Queues the send and returns once it is queued, with the task of its answer: sends queued one after another are
    /// stored in that order per conversation, as <see cref="SendGroupCommit.QueueAsync"/> promises. Once queued, a send
    /// is written even if its caller goes away.
    /// </summary>
    public async ValueTask<Task<SentMessage>> QueueAsync(SendMessage command, CancellationToken cancellationToken)
    {
        command.Validate();
        await _limit.TakeAsync(command.Caller.UserId);
        var owner = _options.ForwardSends ? _owners.OwnerOf(command.ConversationId) : null;
        var route = await EnterAsync(command.ConversationId, owner, cancellationToken);
        Task<SentMessage> answer;
        try
        {
            answer = owner is null ? await _writer.QueueAsync(command, cancellationToken) : Forward(owner, command, route);
        }
        catch
        {
            Leave(route);
            throw;
        }

        _ = answer.ContinueWith((_, state) => Leave((Route)state!), route, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return answer;
    }

    /// <summary>Joins the conversation's route, once every earlier send of it that went another way is answered.</summary>
    private async ValueTask<Route> EnterAsync(Guid conversationId, string? owner, CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource drained;
            lock (_routesGate)
            {
                if (!_byConversation.TryGetValue(conversationId, out var route))
                {
                    route = new Route(conversationId, owner);
                    _byConversation.Add(conversationId, route);
                }

                if (route.Owner == owner)
                {
                    route.Pending++;
                    return route;
                }

                drained = route.Drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            await drained.Task.WaitAsync(cancellationToken);
        }
    }

    private void Leave(Route route)
    {
        lock (_routesGate)
        {
            if (--route.Pending > 0)
            {
                return;
            }

            _byConversation.Remove(route.ConversationId);
            route.Drained?.TrySetResult();
        }
    }

    private Task<SentMessage> Forward(string owner, SendMessage command, Route route)
    {
        var forward = new PendingForward(command, route, _clock.GetUtcNow() + _options.ForwardTimeout);
        Run run;
        bool published;
        lock (_runsGate)
        {
            if (!_runsByOwner.TryGetValue(owner, out run!))
            {
                run = new Run(owner, BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)));
                _runsByOwner.Add(owner, run);
                _runsById.Add(run.Id, run);
            }

            var number = run.Next++;
            run.Pending.Add(number, forward);
            // Published under the lock: the numbers go out in their order.
            published = _routes.PublishForward(owner, new ForwardedSend
            {
                Origin = _routes.HostId,
                Run = run.Id,
                Number = number,
                UserId = Bytes(command.Caller.UserId),
                DeviceId = Bytes(command.Caller.DeviceId),
                ConversationId = Bytes(command.ConversationId),
                ClientMsgId = Bytes(command.ClientMsgId),
                Text = command.Text,
            }.ToByteArray());
        }

        if (published)
        {
            _metrics.SendsForwarded.Add(1);
        }
        else
        {
            WriteHere(run, "the connection to Redis is down");
        }

        return forward.Done.Task;
    }

    private void OnAnswer(byte[] payload)
    {
        ForwardedSendAnswer answer;
        try
        {
            answer = ForwardedSendAnswer.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            _logger.LogWarning(e, "Dropped an undecodable answer to a forwarded send");
            return;
        }

        PendingForward? forward;
        Run? run;
        lock (_runsGate)
        {
            // Not found: written here already (it was overdue), and the answer is too late to matter.
            if (!_runsById.TryGetValue(answer.Run, out run) || !run.Pending.TryGetValue(answer.Number, out forward))
            {
                return;
            }

            if (answer.OutcomeCase != ForwardedSendAnswer.OutcomeOneofCase.WriteItYourself)
            {
                run.Pending.Remove(answer.Number);
            }
        }

        var command = forward.Command;
        switch (answer.OutcomeCase)
        {
            case ForwardedSendAnswer.OutcomeOneofCase.Stored:
                var stored = answer.Stored;
                forward.Done.TrySetResult(new SentMessage(command.ConversationId, command.ClientMsgId, new Guid(stored.MessageId.Span),
                    stored.Seq, new DateTimeOffset(stored.SentAtTicks, TimeSpan.Zero), Delivery: null));
                break;
            case ForwardedSendAnswer.OutcomeOneofCase.Refused:
                var refused = answer.Refused;
                forward.Done.TrySetException(ChatException.Of((StatusCode)refused.Code, refused.Reason, refused.Message));
                break;
            default:
                WriteHere(run, "the owner could not take it");
                break;
        }
    }

    /// <summary>Writes every forward still unanswered after its timeout here, with the rest of its run.</summary>
    private void WriteOverdueHere()
    {
        List<Run> overdue;
        var now = _clock.GetUtcNow();
        lock (_runsGate)
        {
            overdue = [.. _runsById.Values.Where(r => r.Pending.Values.Any(f => f.Deadline <= now))];
        }

        foreach (var run in overdue)
        {
            WriteHere(run, $"the owner did not answer within {_options.ForwardTimeout}");
        }
    }

    /// <summary>
    /// Ends the run: its unanswered forwards are written here, in their order, and the owner's conversations are
    /// written here for a lease. Their conversations' routes are marked as written here after the fact, so a later send of
    /// theirs waits until these are answered, whichever way it goes.
    /// </summary>
    private void WriteHere(Run run, string why)
    {
        List<PendingForward> unanswered;
        lock (_runsGate)
        {
            if (!_runsById.Remove(run.Id))
            {
                return; // another caller took it
            }

            if (_runsByOwner.TryGetValue(run.Owner, out var current) && ReferenceEquals(current, run))
            {
                _runsByOwner.Remove(run.Owner);
            }

            unanswered = [.. run.Pending.OrderBy(p => p.Key).Select(p => p.Value)];
            run.Pending.Clear();
            _owners.MarkUnreachable(run.Owner, _clock.GetUtcNow() + _options.HostLease);
            lock (_routesGate)
            {
                foreach (var forward in unanswered)
                {
                    forward.Route.Owner = WrittenHereAfterAll;
                }
            }
        }

        if (unanswered.Count == 0)
        {
            return;
        }

        _metrics.SendsForwardFallbacks.Add(unanswered.Count);
        _logger.LogWarning("Writing {Count} sends forwarded to host {Host} here, {Why}; its conversations are written here for {Lease}",
            unanswered.Count, run.Owner, why, _options.HostLease);
        _ = WriteHereAsync(unanswered);
    }

    private async Task WriteHereAsync(List<PendingForward> forwards)
    {
        foreach (var forward in forwards)
        {
            try
            {
                var stored = await _writer.QueueAsync(forward.Command, CancellationToken.None);
                _ = stored.ContinueWith((t, state) =>
                {
                    var done = ((PendingForward)state!).Done;
                    if (t.IsCompletedSuccessfully)
                    {
                        done.TrySetResult(t.Result);
                    }
                    else
                    {
                        done.TrySetException(t.Exception!.InnerExceptions);
                    }
                }, forward, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            catch (Exception e)
            {
                forward.Done.TrySetException(e);
            }
        }
    }

    private static ByteString Bytes(Guid id) => UnsafeByteOperations.UnsafeWrap(id.ToByteArray());

    /// <summary>A conversation's sends taken here and not yet answered, and the way they go (null: this host's writer).</summary>
    private sealed class Route(Guid conversationId, string? owner)
    {
        public Guid ConversationId { get; } = conversationId;

        public string? Owner { get; set; } = owner;

        public int Pending { get; set; }

        public TaskCompletionSource? Drained { get; set; }
    }

    /// <summary>The forwards to one owner, numbered from 0.</summary>
    private sealed class Run(string owner, ulong id)
    {
        public string Owner { get; } = owner;

        public ulong Id { get; } = id;

        public long Next { get; set; }

        public Dictionary<long, PendingForward> Pending { get; } = [];
    }

    private sealed class PendingForward(SendMessage command, Route route, DateTimeOffset deadline)
    {
        public SendMessage Command { get; } = command;

        public Route Route { get; } = route;

        public DateTimeOffset Deadline { get; } = deadline;

        public TaskCompletionSource<SentMessage> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
