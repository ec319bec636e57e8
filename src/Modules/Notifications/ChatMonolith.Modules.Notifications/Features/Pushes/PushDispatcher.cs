using System.Collections.Concurrent;
using ChatMonolith.Modules.Notifications.Contracts;
using ChatMonolith.Modules.Notifications.Data;
using ChatMonolith.Modules.Notifications.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;

namespace ChatMonolith.Modules.Notifications.Features.Pushes;

/// <summary>
/// Sends the pushes whose window has closed. Each is claimed in the database before it goes out (any number of
/// dispatchers, in any number of processes, share the table), so a push is sent at most once: a claim whose outcome
/// nobody recorded, because its process stopped, is given up rather than sent again. Each provider has its own
/// bounded number of requests in flight, so a provider that hangs or fails holds up only its own pushes.
/// </summary>
internal sealed class PushDispatcher(
    NpgsqlDataSource database,
    IServiceScopeFactory scopes,
    IEnumerable<IPushProvider> providers,
    PushSignal signal,
    PushSettings settings,
    NotificationsMetrics metrics,
    TimeProvider clock,
    ILogger<PushDispatcher> logger) : BackgroundService
{
    private const int RequestsInFlightPerProvider = 64;

    /// <summary>A claim older than this was its process's last act: the push is given up (it may have gone out).</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a due push waits for its badge (Messaging's count, which takes milliseconds when Messaging is up).
    /// Past that it goes without: a message with its conversation's count as the badge, a clear with none.
    /// </summary>
    internal static readonly TimeSpan BadgeWait = TimeSpan.FromSeconds(5);

    private readonly Dictionary<PushProvider, (IPushProvider Provider, SemaphoreSlim Slots)> _providers =
        providers.ToDictionary(p => p.Provider, p => (p, new SemaphoreSlim(RequestsInFlightPerProvider)));

    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private NotificationsOptions Options => settings.Options;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastSweep = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (clock.GetUtcNow() - lastSweep > TimeSpan.FromMinutes(1))
                {
                    await GiveUpAbandonedClaimsAsync(stoppingToken);
                    lastSweep = clock.GetUtcNow();
                }

                await DispatchDueAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The dispatcher outlives any one failure: were it to end, no push would go out until a restart.
                if (e is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning("Due pushes could not be read ({Reason}); trying again", e.Message);
                }
                else
                {
                    logger.LogError(e, "Dispatching due pushes failed; trying again");
                }

                await Task.Delay(Options.DispatchInterval, clock, CancellationToken.None);
            }

            await signal.WaitAsync(Options.DispatchInterval, clock, stoppingToken);
        }

        await Task.WhenAll(_inFlight.Keys);
    }

    private async Task DispatchDueAsync(CancellationToken stoppingToken)
    {
        var claim = Guid.NewGuid();
        var due = await ClaimDueAsync(claim, stoppingToken);
        if (due.Count == 0)
        {
            return;
        }

        var userIds = due.Select(w => w.UserId).Distinct().ToArray();
        var targets = await TargetsAsync(userIds, stoppingToken);
        var senders = await SenderNamesAsync(due.Select(w => w.SenderId).Distinct().ToArray(), stoppingToken);
        foreach (var window in due)
        {
            var target = targets.GetValueOrDefault(window.DeviceId);
            var send = SendAsync(claim, window, target, senders.GetValueOrDefault(window.SenderId, ""), stoppingToken);
            _inFlight[send] = true;
            _ = send.ContinueWith(done => _inFlight.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task SendAsync(Guid claim, PushWindow window, PushTarget? target, string senderName, CancellationToken stoppingToken)
    {
        if (target is null)
        {
            await FinishAsync(claim, window, PushState.Done, shown: false, stoppingToken);
            return;
        }

        var content = Content(window, senderName);
        var providerName = Targets.PushTargetRules.Name(target.Provider);
        if (!_providers.TryGetValue(target.Provider, out var provider))
        {
            logger.LogDebug("Would push {Kind} for conversation {ConversationId} seq {Seq} to device {DeviceId} through {Provider}, which is off",
                content.Kind, content.ConversationId, content.Seq, window.DeviceId, providerName);
            metrics.Unsent.Add(1, Tag(providerName, content));
            await FinishAsync(claim, window, PushState.Done, shown: false, stoppingToken);
            return;
        }

        PushOutcome outcome;
        await provider.Slots.WaitAsync(stoppingToken);
        try
        {
            outcome = await provider.Provider.SendAsync(target, content, stoppingToken);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
        {
            // The request never left: safe to try again.
            outcome = PushOutcome.Later($"{providerName} unreachable: {e.HttpRequestError}", null);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping mid-request: whether it arrived is unknown, so the claim stays, to be given up.
            return;
        }
        catch (Exception e)
        {
            // A timeout, or a reply cut short: the push may have arrived, and at most once means not again.
            outcome = PushOutcome.Refused($"{providerName}: {e.GetType().Name}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}");
        }
        finally
        {
            provider.Slots.Release();
        }

        metrics.Latency.Record((clock.GetUtcNow() - window.DueAt).TotalMilliseconds, Tag(providerName, content));
        await RecordAsync(claim, window, target, content, providerName, outcome, stoppingToken);
    }

    private async Task RecordAsync(Guid claim, PushWindow window, PushTarget target, PushContent content, string providerName, PushOutcome outcome, CancellationToken stoppingToken)
    {
        var tags = Tag(providerName, content);
        switch (outcome.Kind)
        {
            case PushOutcomeKind.Delivered:
                metrics.Sent.Add(1, tags);
                await FinishAsync(claim, window, PushState.Done, shown: window.Kind == PushKind.Message, stoppingToken);
                break;
            case PushOutcomeKind.TargetGone:
                logger.LogInformation("The push target of device {DeviceId} is gone ({Reason}); it is removed", window.DeviceId, outcome.Reason);
                metrics.TargetsRemoved.Add(1, new KeyValuePair<string, object?>("provider", providerName));
                await RemoveTargetAsync(target, stoppingToken);
                await FinishAsync(claim, window, PushState.Done, shown: false, stoppingToken);
                break;
            case PushOutcomeKind.RetryLater when window.Attempts + 1 < Options.MaxAttempts:
                var delay = outcome.RetryAfter ?? Backoff(window.Attempts);
                delay = delay < LongestRetryDelay ? delay : LongestRetryDelay;
                metrics.Retried.Add(1, tags);
                logger.LogInformation("{Provider} refused a push to device {DeviceId} for now ({Reason}); attempt {Attempt} of {MaxAttempts} in {Delay}",
                    providerName, window.DeviceId, outcome.Reason, window.Attempts + 2, Options.MaxAttempts, delay);
                await RetryAsync(claim, window, clock.GetUtcNow() + delay, stoppingToken);
                break;
            default:
                metrics.Failed.Add(1, tags);
                logger.LogWarning("A push to device {DeviceId} through {Provider} is given up after {Attempts} attempts: {Reason}",
                    window.DeviceId, providerName, window.Attempts + 1, outcome.Reason);
                await FinishAsync(claim, window, PushState.Failed, shown: false, stoppingToken);
                break;
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var delay = Options.RetryDelay * Math.Pow(2, attempts);
        return delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    private PushContent Content(PushWindow window, string senderName)
    {
        if (window.Kind == PushKind.Clear)
        {
            return new PushContent(PushContentKind.Clear, window.ConversationId, window.LastSeq, 0, window.Badge, "", "");
        }

        // Without Messaging's count, the conversation's own is the least the badge can be.
        var badge = window.Badge ?? window.Unread;

        if (Options.Payload == PushPayload.ContentFree || window.Preview.Length == 0)
        {
            return new PushContent(PushContentKind.Message, window.ConversationId, window.LastSeq, window.Unread, badge, "", "");
        }

        var sender = senderName.Length > 0 ? senderName : "New message";
        return window.Title.Length > 0
            ? new PushContent(PushContentKind.Message, window.ConversationId, window.LastSeq, window.Unread, badge, window.Title, $"{sender}: {window.Preview}")
            : new PushContent(PushContentKind.Message, window.ConversationId, window.LastSeq, window.Unread, badge, sender, window.Preview);
    }

    private static KeyValuePair<string, object?>[] Tag(string provider, PushContent content) =>
        [new("provider", provider), new("kind", content.Type)];

    private async Task<List<PushWindow>> ClaimDueAsync(Guid claim, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            UPDATE notifications.push_windows SET state = {(short)PushState.Sending}, claim_id = $1, claimed_at = $2
            WHERE state = {(short)PushState.Pending} AND due_at <= $2 AND (badge IS NOT NULL OR due_at <= $3)
            RETURNING user_id, device_id, conversation_id, kind, last_seq, sender_id, preview, title, unread, badge, due_at, attempts
            """);
        command.Parameters.Add(new() { Value = claim });
        var now = clock.GetUtcNow();
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = now - BadgeWait });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<PushWindow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new PushWindow
            {
                UserId = reader.GetGuid(0),
                DeviceId = reader.GetGuid(1),
                ConversationId = reader.GetGuid(2),
                Kind = (PushKind)reader.GetInt16(3),
                LastSeq = reader.GetInt64(4),
                SenderId = reader.GetGuid(5),
                Preview = reader.GetString(6),
                Title = reader.GetString(7),
                Unread = reader.GetInt64(8),
                Badge = reader.IsDBNull(9) ? null : reader.GetInt64(9),
                DueAt = reader.GetFieldValue<DateTimeOffset>(10),
                Attempts = reader.GetInt32(11),
            });
        }

        return due;
    }

    private async Task<Dictionary<Guid, PushTarget>> TargetsAsync(Guid[] userIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT user_id, device_id, provider, address, apns_topic, apns_environment, web_push_p256dh, web_push_auth, updated_at
            FROM notifications.push_targets WHERE user_id = ANY($1)
            """);
        command.Parameters.Add(new() { Value = userIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var targets = new Dictionary<Guid, PushTarget>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var target = new PushTarget
            {
                UserId = reader.GetGuid(0),
                DeviceId = reader.GetGuid(1),
                Provider = (PushProvider)reader.GetInt16(2),
                Address = reader.GetString(3),
                ApnsTopic = reader.IsDBNull(4) ? null : reader.GetString(4),
                ApnsEnvironment = reader.IsDBNull(5) ? null : (ApnsEnvironment)reader.GetInt16(5),
                WebPushP256dh = reader.IsDBNull(6) ? null : reader.GetString(6),
                WebPushAuth = reader.IsDBNull(7) ? null : reader.GetString(7),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(8),
            };
            targets[target.DeviceId] = target;
        }

        return targets;
    }

    private async Task<Dictionary<Guid, string>> SenderNamesAsync(Guid[] userIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT user_id, display_name FROM notifications.senders WHERE user_id = ANY($1)");
        command.Parameters.Add(new() { Value = userIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new Dictionary<Guid, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names[reader.GetGuid(0)] = reader.GetString(1);
        }

        return names;
    }

    /// <summary>Records how a claimed push ended; a window that new messages reopened meanwhile is theirs, and stays as it is.</summary>
    private Task FinishAsync(Guid claim, PushWindow window, PushState state, bool shown, CancellationToken cancellationToken) =>
        UpdateClaimedAsync(
            claim, window,
            $"state = {(short)state}, shown = {(shown ? "true" : "false")}, attempts = attempts + 1, claim_id = NULL, claimed_at = NULL",
            null, cancellationToken);

    private async Task RetryAsync(Guid claim, PushWindow window, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        await UpdateClaimedAsync(
            claim, window,
            $"state = {(short)PushState.Pending}, due_at = $5, attempts = attempts + 1, claim_id = NULL, claimed_at = NULL",
            dueAt, cancellationToken);
        signal.DueAt(dueAt);
    }

    private async Task UpdateClaimedAsync(Guid claim, PushWindow window, string set, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            UPDATE notifications.push_windows SET {set}
            WHERE user_id = $1 AND device_id = $2 AND conversation_id = $3 AND claim_id = $4 AND state = {(short)PushState.Sending}
            """);
        command.Parameters.Add(new() { Value = window.UserId });
        command.Parameters.Add(new() { Value = window.DeviceId });
        command.Parameters.Add(new() { Value = window.ConversationId });
        command.Parameters.Add(new() { Value = claim });
        if (dueAt is { } due)
        {
            command.Parameters.Add(new() { Value = due });
        }

        // The outcome is recorded even while stopping: the provider has already answered.
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Deletes the target the provider called gone, unless the device set a new one meanwhile.</summary>
    private async Task RemoveTargetAsync(PushTarget target, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "DELETE FROM notifications.push_targets WHERE user_id = $1 AND device_id = $2 AND address = $3");
        command.Parameters.Add(new() { Value = target.UserId });
        command.Parameters.Add(new() { Value = target.DeviceId });
        command.Parameters.Add(new() { Value = target.Address });
        if (await command.ExecuteNonQueryAsync(CancellationToken.None) > 0)
        {
            // Durable, after the delete: lost only with the process, and then Messaging keeps looking at a device
            // that needs nothing (the cost of a look, never a missed push).
            // Wolverine's bus is scoped; this worker is not.
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IMessageBus>()
                .PublishAsync(new PushTargetChanged(target.UserId, target.DeviceId, HasTarget: false, clock.GetUtcNow()));
        }
    }

    private async Task GiveUpAbandonedClaimsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            UPDATE notifications.push_windows SET state = {(short)PushState.Failed}, claim_id = NULL, claimed_at = NULL
            WHERE state = {(short)PushState.Sending} AND claimed_at < $1
            """);
        command.Parameters.Add(new() { Value = clock.GetUtcNow() - AbandonedAfter });
        var abandoned = await command.ExecuteNonQueryAsync(cancellationToken);
        if (abandoned > 0)
        {
            metrics.Failed.Add(abandoned);
            logger.LogWarning("{Count} pushes were claimed by a dispatcher that stopped before it recorded their outcome; they are given up, not sent twice", abandoned);
        }
    }
}
