namespace ChatMonolith.Client.Storage;

/// <summary>
/// Where a client keeps what must outlive it: the session's tokens, the highest seq the app has taken per
/// conversation, and the sends not yet acknowledged. <see cref="InMemoryChatClientStore"/> keeps them for the
/// process's life; <see cref="FileChatClientStore"/> in a private folder, so a restarted app loses nothing.
/// Calls come one at a time per store from one client; an implementation need not be thread-safe across clients.
/// </summary>
public interface IChatClientStore
{
    /// <summary>The stored session, or null when signed out.</summary>
    ValueTask<StoredSession?> LoadSessionAsync(CancellationToken cancellationToken = default);

    /// <summary>Keeps a session (after login or each refresh), or forgets it (null).</summary>
    ValueTask SaveSessionAsync(StoredSession? session, CancellationToken cancellationToken = default);

    /// <summary>Per conversation, the highest seq the app has taken.</summary>
    ValueTask<IReadOnlyDictionary<string, long>> LoadCursorsAsync(CancellationToken cancellationToken = default);

    /// <summary>Records that the app has taken everything up to <paramref name="seq"/> in a conversation.</summary>
    ValueTask SaveCursorAsync(string conversationId, long seq, CancellationToken cancellationToken = default);

    /// <summary>The sends not yet acknowledged, in the order they were queued.</summary>
    ValueTask<IReadOnlyList<OutgoingMessage>> LoadOutgoingAsync(CancellationToken cancellationToken = default);

    /// <summary>Queues a send before it is written to the stream.</summary>
    ValueTask AddOutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken = default);

    /// <summary>Drops a send once it is acknowledged or refused for good.</summary>
    ValueTask RemoveOutgoingAsync(string clientMsgId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Holds the session for one refresh: while held, no other client on this store (in this process or, for a file
    /// store, another) refreshes. A refresh token is used once, so two processes of one device must not both spend
    /// it; the holder re-reads the session first and takes a newer one if another refreshed meanwhile.
    /// </summary>
    ValueTask<IAsyncDisposable> LockSessionAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets everything (after a logout).</summary>
    ValueTask ClearAsync(CancellationToken cancellationToken = default);
}

/// <summary>A signed-in device's tokens.</summary>
/// <param name="UserId">The user.</param>
/// <param name="DeviceId">The device.</param>
/// <param name="AccessToken">The short-lived bearer token.</param>
/// <param name="AccessTokenExpiresAt">When it stops working.</param>
/// <param name="RefreshToken">The token that buys the next pair; rotated on each refresh.</param>
/// <param name="RefreshTokenExpiresAt">When it stops working.</param>
public sealed record StoredSession(
    string UserId,
    string DeviceId,
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt)
{
    /// <summary>The tokens are secrets: they are left out of the text, which may reach a log.</summary>
    public override string ToString() => $"StoredSession {{ UserId = {UserId}, DeviceId = {DeviceId}, AccessTokenExpiresAt = {AccessTokenExpiresAt:O} }}";
}

/// <summary>A send waiting for its acknowledgement.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="ClientMsgId">The id it keeps across every resend.</param>
/// <param name="Text">The text.</param>
/// <param name="QueuedAt">When the app sent it.</param>
public sealed record OutgoingMessage(string ConversationId, string ClientMsgId, string Text, DateTimeOffset QueuedAt);
