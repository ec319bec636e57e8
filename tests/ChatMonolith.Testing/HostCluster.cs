using Npgsql;
using StackExchange.Redis;
using Xunit;

namespace ChatMonolith.Testing;

/// <summary>
/// Several real host processes of one deployment: one database, one Redis key prefix. Both stores are reached through
/// proxies of the test's own (<see cref="TcpProxy"/>), so a test can take PostgreSQL or Redis away from these hosts,
/// or leave their connections open and dead, without touching the servers other test classes share.
/// </summary>
public class HostCluster : IAsyncLifetime
{
    private readonly List<HostProcess?> _hosts = [];

    public string ConnectionString { get; private set; } = "";

    public string RedisKeyPrefix { get; } = $"test-{Guid.NewGuid():N}:";

    public TcpProxy Postgres { get; private set; } = null!;

    public TcpProxy Redis { get; private set; } = null!;

    /// <summary>How many hosts start with the cluster.</summary>
    protected virtual int Size => 3;

    public HostProcess this[int index] => _hosts[index] ?? throw new InvalidOperationException($"Host {index} is stopped.");

    public async Task InitializeAsync()
    {
        ConnectionString = await TestInfrastructure.CreateDatabaseAsync();
        var postgres = new NpgsqlConnectionStringBuilder(ConnectionString);
        Postgres = new TcpProxy(postgres.Host!, postgres.Port);
        var redis = ConfigurationOptions.Parse(await TestInfrastructure.RedisAsync());
        var (redisHost, redisPort) = redis.EndPoints[0] switch
        {
            System.Net.DnsEndPoint dns => (dns.Host, dns.Port),
            System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            var other => throw new InvalidOperationException($"Cannot proxy Redis at {other}."),
        };
        Redis = new TcpProxy(redisHost, redisPort);

        // One after the other: the first migrates the database.
        for (var i = 0; i < Size; i++)
        {
            _hosts.Add(await StartHostAsync());
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        await Postgres.DisposeAsync();
        await Redis.DisposeAsync();
        if (ConnectionString.Length > 0)
        {
            await TestInfrastructure.DropDatabaseAsync(ConnectionString);
        }
    }

    /// <summary>Kills host <paramref name="index"/> (SIGKILL) and forgets it.</summary>
    public async Task KillAsync(int index)
    {
        await this[index].KillAsync();
        await this[index].DisposeAsync();
        _hosts[index] = null;
    }

    /// <summary>Starts host <paramref name="index"/> again, on new ports, after it was killed.</summary>
    public async Task RestartAsync(int index) => _hosts[index] = await StartHostAsync();

    /// <summary>
    /// How many chat messages the conversation stores, straight from PostgreSQL (not through the proxy); fails when
    /// one client_msg_id is stored twice.
    /// </summary>
    public async Task<long> StoredCopiesAsync(string conversationId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*), count(DISTINCT client_msg_id) FROM messaging.messages
            WHERE conversation_id = @conversation AND client_msg_id IS NOT NULL
            """, connection);
        command.Parameters.AddWithValue("conversation", Guid.Parse(conversationId));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (all, distinct) = (reader.GetInt64(0), reader.GetInt64(1));
        Assert.Equal(distinct, all);
        return all;
    }

    /// <summary>Chat messages stored per conversation, straight from PostgreSQL.</summary>
    public async Task<Dictionary<string, long>> StoredPerConversationAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT conversation_id, count(*) FROM messaging.messages WHERE client_msg_id IS NOT NULL GROUP BY conversation_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetGuid(0).ToString()] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>Chat messages stored from one sender; fails when one client_msg_id is stored twice.</summary>
    public async Task<long> StoredFromAsync(string userId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT client_msg_id) FROM messaging.messages WHERE sender_id = @sender AND client_msg_id IS NOT NULL", connection);
        command.Parameters.AddWithValue("sender", Guid.Parse(userId));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
        return reader.GetInt64(0);
    }

    /// <summary>The settings of every host of the cluster; a fixture may add its own.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings() => [];

    private async Task<HostProcess> StartHostAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = Postgres.Port }.ConnectionString,
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{Redis.Port}",
            ["Redis:KeyPrefix"] = RedisKeyPrefix,
            // Probes and leases at test speed: a silent connection is found within two seconds, a dead host within three.
            ["Messaging:RoutingProbeInterval"] = "00:00:00.500",
            ["Messaging:RoutingProbeTimeout"] = "00:00:01",
            ["Messaging:HostLease"] = "00:00:03",
            ["Logging:LogLevel:ChatMonolith.Modules.Messaging.Delivery.Routing"] = "Information",
        };
        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }

        return await HostProcess.StartAsync(settings);
    }
}
