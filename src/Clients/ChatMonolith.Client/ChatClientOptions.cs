using ChatMonolith.Client.Storage;

namespace ChatMonolith.Client;

/// <summary>How a <see cref="ChatClient"/> reaches the server and behaves; every setting has a default but <see cref="Servers"/>.</summary>
public sealed class ChatClientOptions
{
    /// <summary>
    /// The server's native gRPC addresses (HTTP/2), such as <c>http://127.0.0.1:5080</c>. The client uses the first,
    /// and moves to the next when a stream cannot be opened or the server asks it to reconnect elsewhere. One address
    /// of a load balancer is enough.
    /// </summary>
    public IList<Uri> Servers { get; } = [];

    /// <summary>Where the session, cursors and outgoing queue are kept; in memory unless set.</summary>
    public IChatClientStore Store { get; set; } = new InMemoryChatClientStore();

    /// <summary>The device name a login registers, such as "Pixel 9".</summary>
    public string DeviceName { get; set; } = Environment.MachineName;

    /// <summary>The platform a login registers.</summary>
    public Platform Platform { get; set; } = Platform.Desktop;

    /// <summary>The first reconnect waits up to this (random, for jitter); each failure doubles it.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>No reconnect waits longer than this.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The access token is refreshed this long before it expires; zero refreshes only when the server refuses it.</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the stream says the device is still here (the server's <c>Presence:HeartbeatInterval</c>).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a typing start is repeated while typing goes on (the server ends one after 5 s).</summary>
    public TimeSpan TypingRefresh { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A unary call (not the stream) fails with DEADLINE_EXCEEDED after this.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events read ahead of the app; past this the stream waits for the app (and the server may end it as a slow consumer, then the client catches up).</summary>
    public int EventBuffer { get; set; } = 4096;

    /// <summary>The clock used for token expiry.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Options with one server address.</summary>
    public static ChatClientOptions For(Uri server)
    {
        var options = new ChatClientOptions();
        options.Servers.Add(server);
        return options;
    }
}
