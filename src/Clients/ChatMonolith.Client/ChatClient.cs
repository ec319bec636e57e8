using System.Threading.Channels;
using ChatMonolith.Client.Internal;
using ChatMonolith.Client.Storage;
using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Protos.Receipts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace ChatMonolith.Client;

/// <summary>
/// One signed-in device. Create it with <see cref="LoginAsync"/> or <see cref="ResumeAsync"/>; then
/// <see cref="ConnectAsync"/> opens the device's stream and keeps it open (reconnecting with backoff and jitter,
/// following the server's "reconnect elsewhere", catching up exactly from the cursors it holds) until the client is
/// disposed. Read what happens from <see cref="ReadEventsAsync"/>: while a stream is open, an app must read its events,
/// or the stream waits for it.
/// <para>
/// <see cref="SendAsync"/> returns once the server has stored the message. Until then the message waits in the
/// store's outgoing queue and is resent with the same <c>client_msg_id</c> after every reconnect (and after a
/// restart, with a persistent store), so it is stored exactly once. Access tokens are refreshed ahead of expiry and,
/// when refused as expired, once for all the calls that failed together.
/// </para>
/// Thread-safe: calls may come from any thread, at once.
/// </summary>
public sealed partial class ChatClient : IAsyncDisposable
{
    private readonly ChatClientOptions _options;
    private readonly IChatClientStore _store;
    private readonly Session _session;
    private readonly GrpcChannel[] _channels;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private readonly Channel<ChatEvent> _events;
    private int _server;
    private int _disposed;

    private ChatClient(ChatClientOptions options, StoredSession session, IReadOnlyDictionary<string, long> cursors, IReadOnlyList<OutgoingMessage> outgoing)
    {
        _options = options;
        _store = options.Store;
        _channels = [.. options.Servers.Select(CreateChannel)];
        _events = Channel.CreateBounded<ChatEvent>(new BoundedChannelOptions(options.EventBuffer) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _session = new Session(() => Identity, _store, options, session, s => SessionRefreshed?.Invoke(this, s), _lifetime.Token);
        foreach (var (conversationId, seq) in cursors)
        {
            _cursors[conversationId] = seq;
        }

        foreach (var message in outgoing)
        {
            _pending.Add(new Pending(message) { Stored = true });
        }

        _storeWork = Task.Run(ApplyStoreChangesAsync);
    }

    /// <summary>Raised after each token refresh, with the new session (already kept in the store).</summary>
    public event EventHandler<StoredSession>? SessionRefreshed;

    /// <summary>The signed-in user.</summary>
    public string UserId => _session.Current.UserId;

    /// <summary>This device.</summary>
    public string DeviceId => _session.Current.DeviceId;

    /// <summary>When the current access token expires.</summary>
    public DateTimeOffset AccessTokenExpiresAt => _session.Current.AccessTokenExpiresAt;

    /// <summary>Creates an account; it does not sign in. Returns the new user's id.</summary>
    public static async Task<string> RegisterAsync(ChatClientOptions options, string username, string password, string? displayName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var channel = CreateChannel(FirstServer(options));
        try
        {
            var response = await new IdentityService.IdentityServiceClient(channel).RegisterAsync(
                new RegisterRequest { Username = username ?? "", Password = password ?? "", DisplayName = displayName ?? "" },
                deadline: DateTime.UtcNow + options.CallTimeout,
                cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
            return response.UserId;
        }
        catch (RpcException e)
        {
            throw ChatException.From(e);
        }
    }

    /// <summary>Signs a new device in with a password and keeps its session in <see cref="ChatClientOptions.Store"/>.</summary>
    public static async Task<ChatClient> LoginAsync(ChatClientOptions options, string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        LoginResponse response;
        using (var channel = CreateChannel(FirstServer(options)))
        {
            try
            {
                response = await new IdentityService.IdentityServiceClient(channel).LoginAsync(
                    new LoginRequest { Username = username ?? "", Password = password ?? "", DeviceName = options.DeviceName, Platform = (Protos.Identity.V1.Platform)(int)options.Platform },
                    deadline: DateTime.UtcNow + options.CallTimeout,
                    cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw ChatException.From(e);
            }
        }

        var session = new StoredSession(
            response.UserId,
            response.DeviceId,
            response.Tokens.AccessToken,
            response.Tokens.AccessTokenExpiresAt.ToDateTimeOffset(),
            response.Tokens.RefreshToken,
            response.Tokens.RefreshTokenExpiresAt.ToDateTimeOffset());

        // Cursors and queued sends are the user's: another user's are dropped, the same user's kept for the new device.
        var previous = await options.Store.LoadSessionAsync(cancellationToken).ConfigureAwait(false);
        if (previous is not null && previous.UserId != session.UserId)
        {
            await options.Store.ClearAsync(cancellationToken).ConfigureAwait(false);
        }

        await options.Store.SaveSessionAsync(session, cancellationToken).ConfigureAwait(false);
        return await OpenAsync(options, session, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resumes the session kept in <see cref="ChatClientOptions.Store"/>, with its cursors and queued sends. Fails with
    /// UNAUTHENTICATED <c>NOT_SIGNED_IN</c> when the store holds none.
    /// </summary>
    public static async Task<ChatClient> ResumeAsync(ChatClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var session = await options.Store.LoadSessionAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new ChatException(StatusCode.Unauthenticated, "NOT_SIGNED_IN", "No session is stored: log in first.");
        return await OpenAsync(options, session, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signs this device out (the server revokes it) and clears the store.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        await CallAsync((h, d, c) => Identity.LogoutAsync(new LogoutRequest(), h, d, c), cancellationToken).ConfigureAwait(false);
        await _store.ClearAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user's devices, this one marked <see cref="Device.IsCurrent"/>.</summary>
    public async Task<IReadOnlyList<Device>> ListDevicesAsync(CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((h, d, c) => Identity.ListDevicesAsync(new ListDevicesRequest(), h, d, c), cancellationToken).ConfigureAwait(false);
        return [.. response.Devices.Select(Mapping.Device)];
    }

    /// <summary>Signs one of the user's devices out; its stream ends at once.</summary>
    public Task RevokeDeviceAsync(string deviceId, CancellationToken cancellationToken = default) =>
        CallAsync((h, d, c) => Identity.RevokeDeviceAsync(new RevokeDeviceRequest { DeviceId = deviceId ?? "" }, h, d, c), cancellationToken);

    /// <summary>A user's public profile.</summary>
    public async Task<Profile> GetProfileAsync(string userId, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((h, d, c) => Identity.GetProfileAsync(new GetProfileRequest { UserId = userId ?? "" }, h, d, c), cancellationToken).ConfigureAwait(false);
        return Mapping.Profile(response.Profile);
    }

    /// <summary>Users whose username starts with <paramref name="prefix"/>, in username order (the first page).</summary>
    public async Task<IReadOnlyList<Profile>> SearchUsersAsync(string prefix, int pageSize = 20, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((h, d, c) => Identity.SearchUsersAsync(new SearchUsersRequest { Prefix = prefix ?? "", PageSize = pageSize }, h, d, c), cancellationToken).ConfigureAwait(false);
        return [.. response.Users.Select(Mapping.Profile)];
    }

    /// <summary>The direct chat with a user, created on first use; the same conversation for both.</summary>
    public async Task<Conversation> OpenDirectChatAsync(string userId, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((h, d, c) => Conversations.OpenDirectChatAsync(new OpenDirectChatRequest { UserId = userId ?? "" }, h, d, c), cancellationToken).ConfigureAwait(false);
        return Mapping.Conversation(response.Conversation);
    }

    /// <summary>Creates a group with the caller as its admin.</summary>
    public async Task<Conversation> CreateGroupAsync(string title, IEnumerable<string> memberIds, CancellationToken cancellationToken = default)
    {
        var request = new CreateGroupRequest { Title = title ?? "" };
        request.MemberIds.AddRange(memberIds ?? []);
        var response = await CallAsync((h, d, c) => Conversations.CreateGroupAsync(request, h, d, c), cancellationToken).ConfigureAwait(false);
        return Mapping.Conversation(response.Conversation);
    }

    /// <summary>Adds members to a group (admins only); returns the change's seq.</summary>
    public async Task<long> AddMembersAsync(string conversationId, IEnumerable<string> userIds, CancellationToken cancellationToken = default)
    {
        var request = new AddMembersRequest { ConversationId = conversationId ?? "" };
        request.UserIds.AddRange(userIds ?? []);
        return (await CallAsync((h, d, c) => Conversations.AddMembersAsync(request, h, d, c), cancellationToken).ConfigureAwait(false)).Seq;
    }

    /// <summary>Removes a member from a group (admins only); returns the change's seq.</summary>
    public async Task<long> RemoveMemberAsync(string conversationId, string userId, CancellationToken cancellationToken = default) =>
        (await CallAsync((h, d, c) => Conversations.RemoveMemberAsync(new RemoveMemberRequest { ConversationId = conversationId ?? "", UserId = userId ?? "" }, h, d, c), cancellationToken).ConfigureAwait(false)).Seq;

    /// <summary>Leaves a group; returns the change's seq.</summary>
    public async Task<long> LeaveGroupAsync(string conversationId, CancellationToken cancellationToken = default) =>
        (await CallAsync((h, d, c) => Conversations.LeaveGroupAsync(new LeaveGroupRequest { ConversationId = conversationId ?? "" }, h, d, c), cancellationToken).ConfigureAwait(false)).Seq;

    /// <summary>Renames a group (admins only); returns the change's seq.</summary>
    public async Task<long> RenameGroupAsync(string conversationId, string title, CancellationToken cancellationToken = default) =>
        (await CallAsync((h, d, c) => Conversations.RenameGroupAsync(new RenameGroupRequest { ConversationId = conversationId ?? "", Title = title ?? "" }, h, d, c), cancellationToken).ConfigureAwait(false)).Seq;

    /// <summary>A conversation as the caller sees it.</summary>
    public async Task<Conversation> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((h, d, c) => Conversations.GetConversationAsync(new GetConversationRequest { ConversationId = conversationId ?? "" }, h, d, c), cancellationToken).ConfigureAwait(false);
        return Mapping.Conversation(response.Conversation);
    }

    /// <summary>The caller's conversations, newest activity first, with previews and unread counts.</summary>
    public async Task<ConversationPage> ListConversationsAsync(int pageSize = 50, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((h, d, c) => Conversations.ListConversationsAsync(new ListConversationsRequest { PageSize = pageSize, Cursor = cursor ?? "" }, h, d, c), cancellationToken).ConfigureAwait(false);
        return new ConversationPage([.. response.Conversations.Select(Mapping.Conversation)], response.NextCursor.Length > 0 ? response.NextCursor : null);
    }

    /// <summary>
    /// A page of history: the messages before <paramref name="anchorSeq"/> (0: the newest), or after it when
    /// <paramref name="after"/> is set (0: from the start), oldest first.
    /// </summary>
    public async Task<MessagePage> GetMessagesAsync(string conversationId, long anchorSeq = 0, bool after = false, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        var request = new GetMessagesRequest
        {
            ConversationId = conversationId ?? "",
            AnchorSeq = anchorSeq,
            Direction = after ? Direction.After : Direction.Before,
            PageSize = pageSize,
        };
        var response = await CallAsync((h, d, c) => Conversations.GetMessagesAsync(request, h, d, c), cancellationToken).ConfigureAwait(false);
        return new MessagePage([.. response.Messages.Select(Mapping.Message).OrderBy(m => m.Seq)], response.HasMore, response.NextAnchorSeq);
    }

    /// <summary>Marks a conversation read up to <paramref name="seq"/> (what is on screen); the other devices and members hear of it.</summary>
    public async Task<ReadPosition> MarkReadAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((h, d, c) => Messages.MarkReadAsync(new MarkReadRequest { ConversationId = conversationId ?? "", Seq = seq }, h, d, c), cancellationToken).ConfigureAwait(false);
        return new ReadPosition(response.ReadSeq, response.UnreadCount);
    }

    /// <summary>Who has one's own message delivered and read (message info: the sender's alone).</summary>
    public async Task<IReadOnlyList<MemberReceipt>> GetMessageInfoAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((h, d, c) => Receipts.GetMessageInfoAsync(new GetMessageInfoRequest { ConversationId = conversationId ?? "", Seq = seq }, h, d, c), cancellationToken).ConfigureAwait(false);
        return [.. response.Members.Select(m => new MemberReceipt(m.UserId, m.Delivered ? Mapping.Time(m.DeliveredAt) : null, m.Read ? Mapping.Time(m.ReadAt) : null))];
    }

    /// <summary>The presence of these users now, without watching them (see <see cref="WatchPresenceAsync"/>).</summary>
    public async Task<IReadOnlyList<Presence>> GetPresenceAsync(IEnumerable<string> userIds, CancellationToken cancellationToken = default)
    {
        var request = new WatchPresenceRequest();
        request.UserIds.AddRange(userIds ?? []);
        lock (_gate)
        {
            // The unary call replaces the device's watch list; a stream's own list is put back below.
            request.UserIds.AddRange(_watched.Except(request.UserIds));
        }

        var response = await CallAsync((h, d, c) => PresenceCalls.WatchPresenceAsync(request, h, d, c), cancellationToken).ConfigureAwait(false);
        return [.. response.Presences.Select(Mapping.Presence)];
    }

    /// <summary>Reads what happens, in order, until the client is disposed. One reader at a time.</summary>
    public async IAsyncEnumerable<ChatEvent> ReadEventsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        MessageReceived? taken = null;
        try
        {
            while (await _events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (_events.Reader.TryRead(out var next))
                {
                    yield return next;

                    // The app asked for the next event: it has taken this one, and a restart need not bring it again.
                    if (next is MessageReceived received)
                    {
                        taken = received;
                        await _store.SaveCursorAsync(received.Message.ConversationId, received.Message.Seq, CancellationToken.None).ConfigureAwait(false);
                        taken = null;
                    }
                }
            }
        }
        finally
        {
            if (taken is not null)
            {
                await _store.SaveCursorAsync(taken.Message.ConversationId, taken.Message.Seq, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Says goodbye on the stream (the device goes offline at once), and stops. Queued sends stay in the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopStreamAsync().ConfigureAwait(false);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _streamLoop.ConfigureAwait(false);
        SetState(ConnectionState.Closed);

        // What the queue changed reaches the store before the client is gone.
        _storeChanges.Writer.TryComplete();
        await _storeWork.ConfigureAwait(false);
        List<TaskCompletionSource<SentMessage>> waiting;
        lock (_gate)
        {
            waiting = [.. _pending.Select(p => p.Waiter).OfType<TaskCompletionSource<SentMessage>>()];
        }

        foreach (var waiter in waiting)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(ChatClient), "The client was disposed before the server acknowledged the message; it stays queued in the store."));
        }

        _events.Writer.TryComplete();
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _lifetime.Dispose();
    }

    private static async Task<ChatClient> OpenAsync(ChatClientOptions options, StoredSession session, CancellationToken cancellationToken)
    {
        var cursors = await options.Store.LoadCursorsAsync(cancellationToken).ConfigureAwait(false);
        var outgoing = await options.Store.LoadOutgoingAsync(cancellationToken).ConfigureAwait(false);
        return new ChatClient(options, session, cursors, outgoing);
    }

    private static Uri FirstServer(ChatClientOptions options) =>
        options.Servers.Count > 0 ? options.Servers[0] : throw new ArgumentException("ChatClientOptions.Servers names no server.", nameof(options));

    private static GrpcChannel CreateChannel(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            // A connection that died silently (a NAT entry gone, a frozen host) is found by its pings, not after minutes.
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
        },
        DisposeHttpClient = true,
    });

    private GrpcChannel Current => _channels[Volatile.Read(ref _server) % _channels.Length];

    private IdentityService.IdentityServiceClient Identity => new(Current);

    private ConversationService.ConversationServiceClient Conversations => new(Current);

    private ChatStreamService.ChatStreamServiceClient Messages => new(Current);

    private ReceiptsService.ReceiptsServiceClient Receipts => new(Current);

    private PresenceService.PresenceServiceClient PresenceCalls => new(Current);

    private void MoveToNextServer() => Interlocked.Increment(ref _server);

    private Task<T> CallAsync<T>(Func<Metadata, DateTime, CancellationToken, AsyncUnaryCall<T>> call, CancellationToken cancellationToken) =>
        _session.CallAsync((headers, token) => call(headers, DateTime.UtcNow + _options.CallTimeout, token), cancellationToken);
}
