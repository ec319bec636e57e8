namespace ChatMonolith.Testing;

/// <summary>
/// How a test waits for something that an event changes, without sleeping: whoever changes the state calls
/// <see cref="Notify"/>, and <see cref="WaitUntilAsync"/> looks again after each change, until the condition holds
/// or the timeout passes.
/// </summary>
public sealed class ChangeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = New();

    /// <summary>Wakes every waiter, to look at the state again. Call it after the state has changed.</summary>
    public void Notify()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = New();
        }

        changed.TrySetResult();
    }

    /// <summary>Returns once <paramref name="condition"/> holds; throws a <see cref="TimeoutException"/> with <paramref name="failure"/>'s words if it does not in time.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            // Taken before looking, so a change after the look still wakes this waiter.
            if (condition())
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(failure());
            }
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
