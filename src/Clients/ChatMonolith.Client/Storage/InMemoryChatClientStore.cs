namespace ChatMonolith.Client.Storage;

/// <summary>Keeps the session, cursors and outgoing queue in memory: they live as long as the process.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim holds an OS handle only once its AvailableWaitHandle is asked for, which this type never does.")]
public sealed class InMemoryChatClientStore : IChatClientStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _cursors = [];
    private readonly List<OutgoingMessage> _outgoing = [];
    private readonly SemaphoreSlim _sessionLock = new(1, 1);
    private StoredSession? _session;

    /// <inheritdoc />
    public ValueTask<StoredSession?> LoadSessionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_session);
        }
    }

    /// <inheritdoc />
    public ValueTask SaveSessionAsync(StoredSession? session, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _session = session;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, long>> LoadCursorsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>(_cursors));
        }
    }

    /// <inheritdoc />
    public ValueTask SaveCursorAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (seq > _cursors.GetValueOrDefault(conversationId))
            {
                _cursors[conversationId] = seq;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutgoingMessage>> LoadOutgoingAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<OutgoingMessage>>([.. _outgoing]);
        }
    }

    /// <inheritdoc />
    public ValueTask AddOutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            _outgoing.RemoveAll(m => m.ClientMsgId == message.ClientMsgId);
            _outgoing.Add(message);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveOutgoingAsync(string clientMsgId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _outgoing.RemoveAll(m => m.ClientMsgId == clientMsgId);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable> LockSessionAsync(CancellationToken cancellationToken = default)
    {
        await _sessionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_sessionLock);
    }

    /// <inheritdoc />
    public ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _session = null;
            _cursors.Clear();
            _outgoing.Clear();
        }

        return ValueTask.CompletedTask;
    }

    private sealed class Releaser(SemaphoreSlim held) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                held.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
