namespace ChatMonolith.Testing;

/// <summary>
/// Waits for state the host writes in the background (read models fed by events) to reach what a test expects: there
/// is no event to await, so the condition is read again every 50 ms until it holds or the patience runs out.
/// </summary>
public static class DatabaseState
{
    /// <summary>Whether <paramref name="condition"/> came to hold within <paramref name="patience"/>.</summary>
    public static async Task<bool> HoldsWithinAsync(Func<Task<bool>> condition, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return true;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="because"/> (read at that moment) when it never does.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan patience, Func<Task<string>> because)
    {
        if (!await HoldsWithinAsync(condition, patience))
        {
            Xunit.Assert.Fail(await because());
        }
    }
}
