using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Pushes;

/// <summary>
/// Wakes this process's <see cref="PushDispatcher"/> when a push falls due sooner than its next look. Only a hint:
/// what is due is in the database, which the dispatcher also reads on its interval, for pushes that another process
/// decided or that were decided before a restart. Every time told is kept until it has passed, so that a push due
/// now does not hide one due later; a handler's time counts once its transaction has committed, so that the
/// dispatcher does not look before the rows are there.
/// </summary>
public sealed class PushSignal(AfterCommit afterCommit)
{
    // Enough for every batch between two looks; beyond it a later time is left to the interval.
    private const int MostTimesKept = 10_000;

    private readonly Lock _lock = new();
    private readonly SortedSet<DateTimeOffset> _due = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A push falls due at <paramref name="dueAt"/>, once <paramref name="db"/>'s transaction has committed.</summary>
    internal void DueAt(DbContext db, DateTimeOffset dueAt) => afterCommit.Run(db, () => DueAt(dueAt));

    /// <summary>A push falls due at <paramref name="dueAt"/>.</summary>
    internal void DueAt(DateTimeOffset dueAt)
    {
        lock (_lock)
        {
            if (_due.Count >= MostTimesKept && dueAt > _due.Max)
            {
                return;
            }

            _due.Add(dueAt);
            if (_due.Min == dueAt)
            {
                _changed.TrySetResult();
            }
        }
    }

    /// <summary>Waits until the earliest time told has come, or <paramref name="longest"/> has passed.</summary>
    internal async Task WaitAsync(TimeSpan longest, TimeProvider clock, CancellationToken cancellationToken)
    {
        var end = clock.GetUtcNow() + longest;
        while (!cancellationToken.IsCancellationRequested)
        {
            Task changed;
            DateTimeOffset until;
            lock (_lock)
            {
                // A wake-up already seen is spent: the times it told of are in _due, read just below.
                if (_changed.Task.IsCompleted)
                {
                    _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                changed = _changed.Task;
                var now = clock.GetUtcNow();
                until = _due.Count > 0 && _due.Min < end ? _due.Min : end;
                if (until <= now)
                {
                    _due.RemoveWhere(t => t <= now);
                    return;
                }
            }

            var wait = until - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.WhenAny(changed, Task.Delay(wait, clock, cancellationToken));
            }
        }
    }
}
