using System.Threading.Channels;

namespace ChatMonolith.Modules.Notifications.Tests.Fakes;

/// <summary>What a fake provider received, read by the test it is for: the test classes of one host share each fake.</summary>
public static class Inbox
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The next item that <paramref name="match"/> takes; the items it passes over are put back, for the tests they are
    /// for. When none comes within <paramref name="patience"/> (<see cref="Patience"/> unless told), the failure says what
    /// the fake refused (<paramref name="refusals"/>).
    /// </summary>
    public static async Task<T> NextAsync<T>(this Channel<T> received, Func<T, bool> match, Func<string>? refusals = null, TimeSpan? patience = null)
    {
        var wait = patience ?? Patience;
        using var timeout = new CancellationTokenSource(wait);
        var others = new List<T>();
        try
        {
            while (true)
            {
                T item;
                try
                {
                    item = await received.Reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"nothing came within {wait.TotalSeconds} s; the fake refused: {refusals?.Invoke() ?? "(not told)"}");
                }

                if (match(item))
                {
                    return item;
                }

                others.Add(item);
            }
        }
        finally
        {
            foreach (var other in others)
            {
                received.Writer.TryWrite(other);
            }
        }
    }
}
