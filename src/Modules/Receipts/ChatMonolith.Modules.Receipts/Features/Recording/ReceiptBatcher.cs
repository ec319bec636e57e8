using ChatMonolith.BuildingBlocks.Persistence;
using System.Threading.Channels;
using ChatMonolith.Modules.Receipts.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Receipts.Features.Recording;

/// <summary>
/// Coalesces acks and reads: the first report opens a window, and when it closes everything reported in it is stored
/// in one statement and told in one event per member and conversation. A caller waits for the store that holds its
/// report; a failed store keeps the reports for the next window, so nothing accepted is lost. Public only because
/// its handlers name it (docs/adr/0003).
/// </summary>
public sealed class ReceiptBatcher : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<ReceiptsOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ReceiptBatcher> _logger;
    private readonly Lock _gate = new();
    private readonly Channel<bool> _windowOpened = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Dictionary<(Guid ConversationId, Guid UserId), PendingMark> _pending = [];
    private TaskCompletionSource _stored = NewWaiter();

    internal ReceiptBatcher(IServiceScopeFactory scopes, IOptions<ReceiptsOptions> options, TimeProvider clock, ILogger<ReceiptBatcher> logger)
    {
        _scopes = scopes;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    /// <returns>A task that completes when the report is stored.</returns>
    internal Task Add(Guid conversationId, Guid userId, PendingMark mark)
    {
        lock (_gate)
        {
            Merge(_pending, (conversationId, userId), mark);
            _windowOpened.Writer.TryWrite(true);
            return _stored.Task;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _windowOpened.Reader.WaitToReadAsync(stoppingToken))
            {
                _windowOpened.Reader.TryRead(out _);
                await Task.Delay(_options.Value.CoalescingWindow, _clock, stoppingToken);
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FlushAsync(); // what arrived before shutdown is stored, not dropped
        }
    }

    private async Task FlushAsync()
    {
        Dictionary<(Guid, Guid), PendingMark> batch;
        TaskCompletionSource stored;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            (batch, _pending) = (_pending, []);
            (stored, _stored) = (_stored, NewWaiter());
        }

        IReadOnlyList<MovedWatermark> moved;
        await using var scope = _scopes.CreateAsyncScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<ReceiptsDbContext>();
            var now = TruncateToMicroseconds(_clock.GetUtcNow());
            moved = await WatermarkStore.AdvanceAsync(
                db, scope.ServiceProvider.GetRequiredService<DatabaseEngine>(), batch, now, _options.Value.HistoryLength, CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Storing {Count} receipts failed; they are kept for the next window", batch.Count);
            Requeue(batch);
            stored.SetException(e);
            return;
        }

        var metrics = scope.ServiceProvider.GetRequiredService<ReceiptsMetrics>();
        metrics.Flushes.Add(1);
        metrics.MarksMoved.Add(moved.Count);
        stored.SetResult();
        await TellAsync(scope.ServiceProvider.GetRequiredService<ReceiptFanOut>(), moved);
    }

    private async Task TellAsync(ReceiptFanOut fanOut, IReadOnlyList<MovedWatermark> moved)
    {
        try
        {
            await fanOut.PublishAsync(moved, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Stored already: devices see the watermarks on their next sync, just not live.
            _logger.LogError(e, "Telling devices of {Count} receipts failed", moved.Count);
        }
    }

    private void Requeue(Dictionary<(Guid, Guid), PendingMark> batch)
    {
        lock (_gate)
        {
            foreach (var (key, mark) in batch)
            {
                Merge(_pending, key, mark);
            }

            _windowOpened.Writer.TryWrite(true);
        }
    }

    private static void Merge(Dictionary<(Guid, Guid), PendingMark> pending, (Guid, Guid) key, PendingMark mark) =>
        pending[key] = pending.TryGetValue(key, out var earlier) ? earlier.Merge(mark) : mark;

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset at) => new(at.Ticks - (at.Ticks % 10), TimeSpan.Zero);

    private static TaskCompletionSource NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
