namespace ChatMonolith.Modules.Notifications.Features.Pushes;

/// <summary>
/// Wakes this process's <see cref="PushDispatcher"/> when a push falls due sooner than its next look. Only a hint:
/// what is due is in the database, which the dispatcher also reads on its interval, for pushes that another process
/// decided or that were decided before a restart.
/// </summary>
public sealed class PushSignal
{
    private readonly Lock _lock = new();
    private DateTimeOffset _earliest = DateTimeOffset.MaxValue;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A push falls due at <paramref name="dueAt"/>.</summary>
    internal void DueAt(DateTimeOffset dueAt)
    {
        lock (_lock)
        {
            if (dueAt >= _earliest)
            {
                return;
            }

            _earliest = dueAt;
            _changed.TrySetResult();
        }
    }

    /// <summary>Waits until the earliest push signalled is due, or <paramref name="longest"/> has passed.</summary>
    internal async Task WaitAsync(TimeSpan longest, TimeProvider clock, CancellationToken cancellationToken)
    {
        var end = clock.GetUtcNow() + longest;
        while (!cancellationToken.IsCancellationRequested)
        {
            Task changed;
            DateTimeOffset until;
            lock (_lock)
            {
                changed = _changed.Task;
                var now = clock.GetUtcNow();
                until = _earliest < end ? _earliest : end;
                if (until <= now)
                {
                    if (_earliest <= now)
                    {
                        _earliest = DateTimeOffset.MaxValue;
                    }

                    _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
