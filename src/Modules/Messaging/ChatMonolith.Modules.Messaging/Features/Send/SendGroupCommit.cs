using System.Diagnostics;
using System.Threading.Channels;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Messaging.Delivery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine;
using Wolverine.RDBMS;
using Wolverine.Runtime;

namespace ChatMonolith.Modules.Messaging.Features.Send;

/// <summary>
/// Group commit of sends. Sends that arrive while a transaction is being written wait for the next one and go in
/// together: per conversation a lock and its send statements (<see cref="SendStatement"/>), all in one round trip, one
/// commit and one WAL flush, with one <see cref="MessagesStored"/> event in the same transaction (Wolverine's outbox).
/// A send is handed to delivery (one <see cref="DeliverEntries"/> per batch) and acknowledged only after its
/// transaction has committed. If a batch fails, each of its sends is written again on its own, so one send that cannot
/// be stored never fails the others. Each conversation belongs to one writer (by its id), which writes its batches one
/// after another: a conversation's sends are stored in the order they were queued, even while earlier ones are still
/// being written, and two writers never wait for each other on one conversation's lock.
/// </summary>
internal sealed class SendGroupCommit : BackgroundService
{
    private static readonly ChatException ShuttingDown =
        ChatException.Unavailable("TRY_AGAIN", "The server is shutting down; send it again.");

    private readonly Channel<PendingSend>[] _queues;
    private readonly TimeProvider _clock;
    private readonly ILogger<SendGroupCommit> _logger;
    private readonly MessagingOptions _options;
    private readonly MessagingDatabase _database;
    private readonly NpgsqlDataSource _dataSource;
    private readonly IWolverineRuntime _wolverine;
    private readonly DeliveryRouter _router;
    private readonly MessagingMetrics _metrics;

    public SendGroupCommit(
        NpgsqlDataSource dataSource,
        IWolverineRuntime wolverine,
        DeliveryRouter router,
        MessagingDatabase database,
        MessagingMetrics metrics,
        TimeProvider clock,
        IOptions<MessagingOptions> options,
        ILogger<SendGroupCommit> logger)
    {
        _database = database;
        _metrics = metrics;
        _dataSource = dataSource;
        _wolverine = wolverine;
        _router = router;
        _clock = clock;
        _logger = logger;
        _options = options.Value;
        var writers = Math.Max(1, _options.SendWriters);
        _queues = [.. Enumerable.Range(0, writers).Select(_ => Channel.CreateBounded<PendingSend>(
            new BoundedChannelOptions(Math.Max(1, _options.SendQueueCapacity / writers)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))];
    }

    /// <summary>Stores the message and answers once it is committed (and handed to delivery).</summary>
    public async Task<SentMessage> SendAsync(SendMessage command, CancellationToken cancellationToken)
    {
        var stored = await QueueAsync(command, cancellationToken);
        return await stored.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Queues the send and returns once it is queued, with the task of its answer. A caller that queues its sends one
    /// after another has them stored in that order per conversation without waiting for each to commit. A caller that
    /// goes away stops waiting, but its send, once queued, is still written: a retry with the same client_msg_id then
    /// finds it.
    /// </summary>
    public async ValueTask<Task<SentMessage>> QueueAsync(SendMessage command, CancellationToken cancellationToken)
    {
        command.Validate();
        var pending = new PendingSend(command, MessagingMetrics.Traces);
        try
        {
            await QueueOf(command.ConversationId).Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw ShuttingDown;
        }

        return pending.Done.Task;
    }

    private Channel<PendingSend> QueueOf(Guid conversationId) => _queues[(uint)conversationId.GetHashCode() % (uint)_queues.Length];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select(queue => Task.Run(() => WriteLoopAsync(queue.Reader), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Whatever was queued before shutdown is written, not dropped; the loops end when their queues are empty.
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        await base.StopAsync(cancellationToken);
    }

    private async Task WriteLoopAsync(ChannelReader<PendingSend> queue)
    {
        var batch = new List<PendingSend>(_options.MaxSendBatch);
        while (await queue.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxSendBatch && queue.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count > 0)
            {
                await WriteAsync(batch);
            }
        }
    }

    private async Task WriteAsync(List<PendingSend> batch)
    {
        try
        {
            await CommitAsync(batch);
        }
        catch (Exception e) when (batch.Count > 1 && e.FindPostgresError() is not null)
        {
            // PostgreSQL refused one statement and with it the whole transaction: each send is written on its own.
            _logger.LogWarning(e, "A batch of {Count} sends failed; writing each on its own", batch.Count);
            foreach (var pending in batch)
            {
                await WriteAloneAsync(pending);
            }
        }
        catch (Exception e)
        {
            // The database could not be reached: every send of the batch fails now, rather than each after its own
            // timeout; the senders retry with the same client_msg_id.
            if (StoreFailures.IsStoreAway(e))
            {
                _logger.LogWarning("Storing a batch of {Count} sends failed, the database is away: {Reason}", batch.Count, e.GetBaseException().Message);
            }
            else
            {
                _logger.LogError(e, "Storing a batch of {Count} sends failed", batch.Count);
            }

            batch.ForEach(pending => pending.Fail(e));
        }
    }

    /// <summary>
    /// A send written alone. A unique violation means a concurrent twin (the same client_msg_id on another
    /// connection) committed first: writing again finds it and answers with its ack.
    /// </summary>
    private async Task WriteAloneAsync(PendingSend pending)
    {
        try
        {
            await CommitAsync([pending]);
        }
        catch (Exception e) when (e.IsUniqueViolation())
        {
            try
            {
                await CommitAsync([pending]);
            }
            catch (Exception again)
            {
                Fail(pending, again);
            }
        }
        catch (Exception e)
        {
            Fail(pending, e);
        }
    }

    private void Fail(PendingSend pending, Exception failure)
    {
        _logger.LogError(failure, "Storing a message in {ConversationId} failed", pending.Command.ConversationId);
        pending.Fail(failure);
    }

    private async Task CommitAsync(IReadOnlyList<PendingSend> batch)
    {
        using var span = MessagingMetrics.Traces.HasListeners() ? BatchSpan(batch) : null;
        var now = _clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10)); // PostgreSQL keeps microseconds: a retry's ack carries the same time
        var conversations = ConversationSends.Of(batch, now);

        // Plain Npgsql rather than a DbContext: nothing here needs EF Core, and a scope and context per batch were
        // 13-15 % of the host's CPU samples at 2,500 msg/s (docs/benchmarks-history.md, step 8). The outbox is
        // Wolverine's, enlisted in the same transaction: the MessagesStored event is sent only once the messages are
        // committed.
        var outbox = new MessageContext(_wolverine);
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await outbox.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction((IMessageDatabase)_wolverine.Storage, transaction));
        var citus = await _database.IsCitusAsync(connection);
        var writes = conversations.ConvertAll(c => new ConversationBatch(c.ConversationId, c.Written, c.MessageIds));
        var written = await SendStatement.WriteAsync(connection, transaction, writes, now, citus, CancellationToken.None);

        var outcomes = new List<(PendingSend Pending, SentMessage? Sent, ChatException? Refused)>(batch.Count);
        var events = new List<MessageStored>(batch.Count);
        var deliveries = new List<EntryDelivery>(batch.Count);
        for (var c = 0; c < conversations.Count; c++)
        {
            var conversation = conversations[c];
            foreach (var (pending, index, twin) in conversation.Sends)
            {
                var messageId = conversation.MessageIds[index];
                var outcome = twin ? written[c][index].ForTwin(messageId, now) : written[c][index];
                try
                {
                    var sent = pending.Command.Accept(outcome, messageId, now, out var stored);
                    outcomes.Add((pending, sent, null));
                    if (stored is not null)
                    {
                        events.Add(stored);
                        deliveries.Add(sent.Delivery!);
                    }
                }
                catch (ChatException refused)
                {
                    outcomes.Add((pending, null, refused));
                }
            }
        }

        if (events.Count > 0)
        {
            await outbox.PublishAsync(new MessagesStored(events));
        }

        await transaction.CommitAsync();
        await FlushOutboxAsync(outbox);
        await HideFromStrangersAsync(connection, outcomes);

        // Committed: delivered in seq order per conversation, then acknowledged.
        if (deliveries.Count > 0)
        {
            _router.Deliver(new DeliverEntries(deliveries));
        }

        _metrics.SendBatchSize.Record(batch.Count);
        _metrics.SendsStored.Add(events.Count);
        foreach (var (pending, sent, refused) in outcomes)
        {
            if (sent is not null)
            {
                _metrics.SendsAccepted.Add(1);
                pending.Answer(sent);
            }
            else
            {
                pending.Fail(refused!);
            }
        }
    }

    /// <summary>
    /// A send refused as NOT_A_MEMBER by a user who was never in the conversation is answered as for an id that names
    /// no conversation, so that a stranger cannot tell which ids exist; a past member keeps NOT_A_MEMBER. Refusals are
    /// rare, so the look-up is here, once per batch that has them, and not in the send statement. Committed already:
    /// if the look-up fails, every such refusal is answered NOT_FOUND, which tells nobody anything.
    /// </summary>
    private async Task HideFromStrangersAsync(NpgsqlConnection connection, List<(PendingSend Pending, SentMessage? Sent, ChatException? Refused)> outcomes)
    {
        List<int>? refused = null;
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].Refused is { Reason: "NOT_A_MEMBER" })
            {
                (refused ??= []).Add(i);
            }
        }

        if (refused is null)
        {
            return; // the usual batch: nothing to look up, nothing allocated
        }

        var pastMembers = new HashSet<(Guid, Guid)>();
        try
        {
            await using var command = new NpgsqlCommand(
                "SELECT conversation_id, user_id FROM messaging.members WHERE conversation_id = ANY($1) AND user_id = ANY($2)",
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = refused.Select(i => outcomes[i].Pending.Command.ConversationId).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = refused.Select(i => outcomes[i].Pending.Command.Caller.UserId).ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                pastMembers.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            _logger.LogDebug("Looking up the past members among refused senders failed; answering them as strangers: {Reason}", e.Message);
        }

        foreach (var index in refused)
        {
            var command = outcomes[index].Pending.Command;
            if (!pastMembers.Contains((command.ConversationId, command.Caller.UserId)))
            {
                outcomes[index] = (outcomes[index].Pending, null, ConversationErrors.NotFound());
            }
        }
    }

    /// <summary>The batch's span: in the trace of its first send, with links to the others; Npgsql's spans lie in it.</summary>
    private static Activity? BatchSpan(IReadOnlyList<PendingSend> batch)
    {
        var span = MessagingMetrics.Traces.StartActivity(
            "chat.send.batch", ActivityKind.Internal, batch[0].Activity?.Context ?? default,
            links: [.. batch.Skip(1).Where(p => p.Activity is not null).Select(p => new ActivityLink(p.Activity!.Context))]);
        span?.SetTag("chat.send.batch.size", batch.Count);
        return span;
    }

    /// <summary>
    /// Committed already: a failure here must not make the batch look failed (its sends would be answered as retries
    /// and not delivered live). Envelopes that were not sent are durable and Wolverine's durability agent sends them.
    /// </summary>
    private async Task FlushOutboxAsync(MessageContext outbox)
    {
        try
        {
            await outbox.FlushOutgoingMessagesAsync();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Flushing the outbox after a committed batch of sends failed");
        }
    }

    /// <summary>
    /// A batch's sends to one conversation, in the order they arrived. A twin (the same sender and client_msg_id again
    /// in the batch) is written once: <see cref="Sends"/> maps each send to its row among <see cref="Written"/>.
    /// </summary>
    private sealed class ConversationSends(Guid conversationId)
    {
        public Guid ConversationId { get; } = conversationId;

        public List<SendMessage> Written { get; } = [];

        public List<Guid> MessageIds { get; } = [];

        public List<(PendingSend Pending, int Index, bool Twin)> Sends { get; } = [];

        /// <summary>
        /// Every batch takes its conversations' row locks in the same order (sorted by id), so two batches never
        /// deadlock; within a conversation the sends keep the order in which they arrived.
        /// </summary>
        public static List<ConversationSends> Of(IReadOnlyList<PendingSend> batch, DateTimeOffset now)
        {
            var conversations = new SortedDictionary<Guid, ConversationSends>();
            foreach (var pending in batch)
            {
                var id = pending.Command.ConversationId;
                if (!conversations.TryGetValue(id, out var conversation))
                {
                    conversations.Add(id, conversation = new ConversationSends(id));
                }

                var index = conversation.Written.FindIndex(w =>
                    w.Caller.UserId == pending.Command.Caller.UserId && w.ClientMsgId == pending.Command.ClientMsgId);
                if (index >= 0)
                {
                    conversation.Sends.Add((pending, index, Twin: true));
                    continue;
                }

                conversation.Sends.Add((pending, conversation.Written.Count, Twin: false));
                conversation.Written.Add(pending.Command);
                conversation.MessageIds.Add(Guid.CreateVersion7(now));
            }

            return [.. conversations.Values];
        }
    }

    /// <summary>A queued send, its answer, and its span (when traces are exported), which ends with the answer.</summary>
    private sealed class PendingSend
    {
        public PendingSend(SendMessage command, ActivitySource traces)
        {
            Command = command;
            if (!traces.HasListeners())
            {
                return; // no span, and no write to Activity.Current on the send path
            }

            // Started without becoming the caller's current span: the stream reads on, and its next request is not
            // part of this send.
            var current = Activity.Current;
            Activity = traces.StartActivity("chat.send");
            Activity.Current = current;
            Activity?.SetTag("chat.conversation_id", command.ConversationId);
        }

        public SendMessage Command { get; }

        public Activity? Activity { get; }

        public TaskCompletionSource<SentMessage> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer(SentMessage sent)
        {
            Activity?.SetTag("chat.seq", sent.Seq);
            Activity?.Stop();
            Done.TrySetResult(sent);
        }

        public void Fail(Exception failure)
        {
            Activity?.SetStatus(ActivityStatusCode.Error, failure is ChatException refused ? refused.Reason : failure.GetType().Name);
            Activity?.Stop();
            Done.TrySetException(failure);
        }
    }
}
