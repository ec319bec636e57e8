using ChatMonolith.Client.Storage;
using ChatMonolith.Protos.Identity.V1;
using Grpc.Core;

namespace ChatMonolith.Client.Internal;

/// <summary>
/// The device's tokens. Every call asks <see cref="AccessTokenAsync"/>, which refreshes ahead of expiry; a call
/// refused with TOKEN_EXPIRED refreshes and is made once more. A refresh is single-flight: calls that find the same
/// stale token share one refresh, and a call whose token was already replaced just takes the new one, so five calls
/// failing together spend the refresh token once.
/// </summary>
internal sealed class Session(
    Func<IdentityService.IdentityServiceClient> identity,
    IChatClientStore store,
    ChatClientOptions options,
    StoredSession initial,
    Action<StoredSession> refreshed,
    CancellationToken lifetime)
{
    private readonly Lock _gate = new();
    private StoredSession _current = initial;
    private Task<StoredSession>? _refreshing;

    /// <summary>Set when the server refused the refresh token: signed out.</summary>
    public ChatException? Ended { get; private set; }

    public StoredSession Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public async ValueTask<string> AccessTokenAsync(CancellationToken cancellationToken)
    {
        var session = Current;
        if (options.RefreshAhead > TimeSpan.Zero && session.AccessTokenExpiresAt - options.Clock.GetUtcNow() < options.RefreshAhead)
        {
            session = await RefreshAsync(session.AccessToken, cancellationToken).ConfigureAwait(false);
        }

        return session.AccessToken;
    }

    public static Metadata Headers(string accessToken) => new() { { "authorization", "Bearer " + accessToken } };

    /// <summary>Makes a unary call with the current token, refreshing once if the server says it expired.</summary>
    public async Task<T> CallAsync<T>(Func<Metadata, CancellationToken, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
    {
        var token = await AccessTokenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(Headers(token), cancellationToken).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (IsExpired(e))
        {
            token = (await RefreshAsync(token, cancellationToken).ConfigureAwait(false)).AccessToken;
        }
        catch (RpcException e)
        {
            throw ChatException.From(e);
        }

        try
        {
            return await call(Headers(token), cancellationToken).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw ChatException.From(e);
        }
    }

    public static bool IsExpired(RpcException e) =>
        e.StatusCode == StatusCode.Unauthenticated && ChatException.From(e).Reason == "TOKEN_EXPIRED";

    /// <summary>A fresh pair, unless <paramref name="staleAccessToken"/> was already replaced: then the newer one.</summary>
    public Task<StoredSession> RefreshAsync(string staleAccessToken, CancellationToken cancellationToken)
    {
        Task<StoredSession> refreshing;
        lock (_gate)
        {
            if (Ended is not null)
            {
                return Task.FromException<StoredSession>(Ended);
            }

            if (_current.AccessToken != staleAccessToken)
            {
                return Task.FromResult(_current);
            }

            // Shared by every caller: one caller giving up must not cancel the others' refresh.
            refreshing = _refreshing ??= RefreshOnceAsync(_current);
        }

        return refreshing.WaitAsync(cancellationToken);
    }

    private async Task<StoredSession> RefreshOnceAsync(StoredSession stale)
    {
        try
        {
            var next = await RefreshUnderLockAsync(stale).ConfigureAwait(false);
            lock (_gate)
            {
                _current = next;
            }

            refreshed(next);
            return next;
        }
        finally
        {
            lock (_gate)
            {
                _refreshing = null;
            }
        }
    }

    private async Task<StoredSession> RefreshUnderLockAsync(StoredSession stale)
    {
        var backoff = new Backoff(options.ReconnectDelay, options.MaxReconnectDelay);
        await using var held = await store.LockSessionAsync(lifetime).ConfigureAwait(false);

        // Another client of this store (another process of this device) may have refreshed meanwhile: its pair is ours.
        var stored = await store.LoadSessionAsync(lifetime).ConfigureAwait(false);
        if (stored is not null && stored.DeviceId == stale.DeviceId && stored.RefreshToken != stale.RefreshToken
            && stored.AccessTokenExpiresAt - options.Clock.GetUtcNow() > options.RefreshAhead)
        {
            return stored;
        }

        while (true)
        {
            try
            {
                var response = await identity().RefreshAsync(new RefreshRequest { RefreshToken = stale.RefreshToken }, cancellationToken: lifetime)
                    .ResponseAsync.ConfigureAwait(false);
                var next = stale with
                {
                    AccessToken = response.Tokens.AccessToken,
                    AccessTokenExpiresAt = response.Tokens.AccessTokenExpiresAt.ToDateTimeOffset(),
                    RefreshToken = response.Tokens.RefreshToken,
                    RefreshTokenExpiresAt = response.Tokens.RefreshTokenExpiresAt.ToDateTimeOffset(),
                };

                // Kept before it is used: a crash from here on resumes with the new refresh token.
                await store.SaveSessionAsync(next, lifetime).ConfigureAwait(false);
                return next;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled
                                         && !lifetime.IsCancellationRequested)
            {
                // The answer may have been lost after the server rotated: the server's retry window gives the same
                // successor to the same token presented again, so trying again is safe.
                await Task.Delay(backoff.Next(), lifetime).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                var error = ChatException.From(e);
                if (e.StatusCode == StatusCode.Unauthenticated)
                {
                    lock (_gate)
                    {
                        Ended = error;
                    }

                    await store.SaveSessionAsync(null, CancellationToken.None).ConfigureAwait(false);
                }

                throw error;
            }
        }
    }
}
