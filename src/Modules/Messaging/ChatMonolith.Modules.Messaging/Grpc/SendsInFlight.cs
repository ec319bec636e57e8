using System.Diagnostics.CodeAnalysis;

namespace ChatMonolith.Modules.Messaging.Grpc;

/// <summary>A stream's sends that are queued and not yet answered: at most a fixed number at once.</summary>
[SuppressMessage("Reliability", "CA1001", Justification = "Answers may release it after the stream has ended; it never allocates a wait handle, so there is nothing to dispose.")]
internal sealed class SendsInFlight(int capacity)
{
    private readonly SemaphoreSlim _room = new(capacity, capacity);

    /// <summary>The answer of the stream's latest send: the next send's answer goes down the stream after it.</summary>
    public Task LastAnswer { get; set; } = Task.CompletedTask;

    public Task WaitForRoomAsync(CancellationToken cancellationToken) => _room.WaitAsync(cancellationToken);

    public void Answered() => _room.Release();

    /// <summary>Waits until every send taken so far has been answered.</summary>
    public async Task AllAnsweredAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < capacity; i++)
        {
            await _room.WaitAsync(cancellationToken);
        }

        _room.Release(capacity);
    }
}
