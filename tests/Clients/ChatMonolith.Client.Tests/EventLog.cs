using ChatMonolith.Client;
using ChatMonolith.Testing;

namespace ChatMonolith.Client.Tests;

/// <summary>Reads a client's events as an app would, and lets a test wait for one, with a timeout.</summary>
public sealed class EventLog : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<ChatEvent> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private readonly ChangeSignal _changed = new();

    public EventLog(ChatClient client) => _reading = Task.Run(() => ReadAsync(client));

    public IReadOnlyList<ChatEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The chat texts received in one conversation, in the order they came.</summary>
    public IReadOnlyList<ChatMessage> Texts(string conversationId) =>
        [.. Events.OfType<MessageReceived>().Select(m => m.Message).Where(m => m.ConversationId == conversationId && m.Text is not null)];

    public async Task<T> WaitForAsync<T>(Func<T, bool> match, string what, TimeSpan? timeout = null)
        where T : ChatEvent
    {
        await WaitUntilAsync(log => log.Events.OfType<T>().Any(match), what, timeout);
        return Events.OfType<T>().First(match);
    }

    public Task WaitUntilAsync(Func<EventLog, bool> condition, string what, TimeSpan? timeout = null) =>
        _changed.WaitUntilAsync(() => condition(this), timeout ?? Timeout, () => $"Not {what} in time. Events: {string.Join(", ", Events.TakeLast(20))}");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task ReadAsync(ChatClient client)
    {
        await foreach (var chatEvent in client.ReadEventsAsync(_stop.Token))
        {
            lock (_gate)
            {
                _events.Add(chatEvent);
            }

            _changed.Notify();
        }
    }
}
