namespace ChatMonolith.Testing;

/// <summary>
/// For a state that raises no event the test could await (a terminal's screen, a browser's notifications): looks
/// again every 100 ms until it holds, or fails with <c>failure</c>'s words once the timeout has passed.
/// Where an event exists, <see cref="ChangeSignal"/> is the one to use.
/// </summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(await failure());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
