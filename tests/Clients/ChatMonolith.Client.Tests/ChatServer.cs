using ChatMonolith.Client;
using ChatMonolith.Client.Storage;
using ChatMonolith.Testing;

namespace ChatMonolith.Client.Tests;

/// <summary>
/// A real host in its own process, reached by the SDK through a proxy of the test's (<see cref="Front"/>), so a test
/// can lose answers, cut the connection, or kill the host and start it again on new ports behind the same address.
/// </summary>
public class ChatServer : IAsyncLifetime
{
    private readonly OneHost _cluster;

    public ChatServer()
        : this([])
    {
    }

    protected ChatServer(IEnumerable<KeyValuePair<string, string>> settings) => _cluster = new OneHost(settings);

    public TcpProxy Front { get; private set; } = null!;

    public HostProcess Host => _cluster[0];

    public Uri Address => new($"http://127.0.0.1:{Front.Port}");

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        Front = new TcpProxy("127.0.0.1", Host.GrpcPort);
    }

    public async Task DisposeAsync()
    {
        await Front.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    /// <summary>SIGKILLs the host, then starts it again on the same database; the proxy's address leads to the new one.</summary>
    public async Task KillAndRestartAsync()
    {
        await _cluster.KillAsync(0);
        await _cluster.RestartAsync(0);
        Front.TargetPort = Host.GrpcPort;
    }

    /// <summary>How many copies of the conversation's chat messages are stored (fails if a client_msg_id is stored twice).</summary>
    public Task<long> StoredCopiesAsync(string conversationId) => _cluster.StoredCopiesAsync(conversationId);

    /// <summary>Options for a device of a test: this server through the proxy, reconnects at test speed.</summary>
    public ChatClientOptions Options(IChatClientStore? store = null)
    {
        var options = ChatClientOptions.For(Address);
        options.DeviceName = "sdk test";
        options.ReconnectDelay = TimeSpan.FromMilliseconds(50);
        options.MaxReconnectDelay = TimeSpan.FromMilliseconds(500);
        options.Store = store ?? new InMemoryChatClientStore();
        return options;
    }

    /// <summary>Options for a device that reaches the host straight, not through the proxy: what the proxy does does not touch it.</summary>
    public ChatClientOptions DirectOptions()
    {
        var options = Options();
        options.Servers.Clear();
        options.Servers.Add(new Uri($"http://127.0.0.1:{Host.GrpcPort}"));
        return options;
    }

    /// <summary>Registers a user and signs a device of theirs in.</summary>
    public async Task<ChatClient> NewUserAsync(ChatClientOptions? options = null)
    {
        options ??= Options();
        var username = "sdk_" + Guid.NewGuid().ToString("N")[..16];
        await ChatClient.RegisterAsync(options, username, "correct horse battery", displayName: username);
        return await ChatClient.LoginAsync(options, username, "correct horse battery");
    }

    private sealed class OneHost(IEnumerable<KeyValuePair<string, string>> settings) : HostCluster
    {
        protected override int Size => 1;

        protected override IEnumerable<KeyValuePair<string, string>> Settings() => settings;
    }
}

/// <summary>The SDK's test classes take turns: each has a host process of its own, and two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SdkCollection
{
    public const string Name = "sdk against a host process";
}
