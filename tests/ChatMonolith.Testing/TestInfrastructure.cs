using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace ChatMonolith.Testing;

/// <summary>
/// The PostgreSQL server and Redis the tests run against: the local servers that <c>scripts/services</c> started
/// (named by CHATMONOLITH_TEST_POSTGRES and CHATMONOLITH_TEST_REDIS), or, where those are unset and a Docker engine
/// runs, containers started once per test run. When CHATMONOLITH_TEST_CITUS_WORKERS names workers
/// (<c>scripts/services env citus</c>), the server is a Citus coordinator: each test database is made on every node,
/// with the extension, and the coordinator registers the workers in it (Citus metadata is per database).
/// </summary>
public static class TestInfrastructure
{
    private static readonly Lazy<Task<(string Postgres, string Redis)>> Servers = new(StartAsync);

    /// <summary>A connection string to the server's maintenance database, for creating test databases.</summary>
    public static async Task<string> PostgresAdminAsync() => (await Servers.Value).Postgres;

    public static async Task<string> RedisAsync() => (await Servers.Value).Redis;

    /// <summary>The Citus workers (host, port) when the tests run on a Citus cluster; empty on plain PostgreSQL.</summary>
    public static IReadOnlyList<(string Host, int Port)> CitusWorkers { get; } =
        [.. (Environment.GetEnvironmentVariable("CHATMONOLITH_TEST_CITUS_WORKERS") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Split(':'))
            .Select(w => (w[0], int.Parse(w[1], System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>Creates an empty database of its own for one test class (on every node of a Citus cluster).</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var database = await CreateOnEveryNodeAsync();
        if (CitusWorkers.Count > 0)
        {
            await RegisterNodesAsync(database);
        }

        return database;
    }

    /// <summary>
    /// The first half of <see cref="CreateDatabaseAsync"/>: the database, on every node, with the citus extension on
    /// a cluster, but with no nodes registered yet (<see cref="RegisterNodesAsync"/>).
    /// </summary>
    public static async Task<string> CreateOnEveryNodeAsync()
    {
        var name = "chat_test_" + Guid.NewGuid().ToString("N")[..16];
        foreach (var node in await NodesAsync())
        {
            await ExecuteAsync(node, $"CREATE DATABASE {name}");
            if (CitusWorkers.Count > 0)
            {
                await ExecuteAsync(new NpgsqlConnectionStringBuilder(node) { Database = name }.ConnectionString, "CREATE EXTENSION citus");
            }
        }

        return new NpgsqlConnectionStringBuilder(await PostgresAdminAsync()) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Registers the coordinator and the workers in a new database. Registration syncs metadata to each worker,
    /// which re-creates the role with ALTER ROLE; roles are shared by all databases of a node, so two registrations
    /// at once (test classes run in parallel, test projects may too) fail on the worker with "tuple concurrently
    /// updated". A session advisory lock on the coordinator's maintenance database makes them take turns.
    /// </summary>
    public static async Task RegisterNodesAsync(string database)
    {
        var admin = await PostgresAdminAsync();
        const long RegistrationLock = 0x4368_6174_4369_7475; // "ChatCitu"
        await using var turn = new NpgsqlConnection(admin);
        await turn.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({RegistrationLock})", turn))
        {
            await take.ExecuteNonQueryAsync();
        }

        try
        {
            var coordinator = new NpgsqlConnectionStringBuilder(admin);
            await ExecuteAsync(database, $"SELECT citus_set_coordinator_host('{coordinator.Host}', {coordinator.Port})");
            foreach (var (host, port) in CitusWorkers)
            {
                await ExecuteAsync(database, $"SELECT citus_add_node('{host}', {port})");
            }
        }
        finally
        {
            // Explicitly: a pooled connection keeps its session, and with it the lock, after Dispose.
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({RegistrationLock})", turn);
            await release.ExecuteNonQueryAsync();
        }
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        foreach (var node in await NodesAsync())
        {
            await ExecuteAsync(node, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    /// <summary>The maintenance database of every node: the server, or the coordinator and then each worker.</summary>
    private static async Task<List<string>> NodesAsync()
    {
        var admin = await PostgresAdminAsync();
        return [admin, .. CitusWorkers.Select(w => new NpgsqlConnectionStringBuilder(admin) { Host = w.Host, Port = w.Port }.ConnectionString)];
    }

    /// <summary>
    /// Runs one statement. Citus reports a worker's own error as a WARNING before its generic "failure on connection
    /// marked as essential", so a failure carries the warnings that came before it.
    /// </summary>
    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        var warnings = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        connection.Notice += (_, e) => warnings.Add($"{e.Notice.Severity}: {e.Notice.MessageText}");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        try
        {
            await command.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (warnings.Count > 0)
        {
            throw new InvalidOperationException($"{sql} failed: {e.MessageText}; before it: {string.Join("; ", warnings)}", e);
        }
    }

    private static async Task<(string, string)> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("CHATMONOLITH_TEST_POSTGRES");
        var redis = Environment.GetEnvironmentVariable("CHATMONOLITH_TEST_REDIS");

        if (string.IsNullOrEmpty(postgres))
        {
            var container = new PostgreSqlBuilder("postgres:15").Build();
            await container.StartAsync();
            postgres = container.GetConnectionString();
        }

        if (string.IsNullOrEmpty(redis))
        {
            var container = new ContainerBuilder("redis:7")
                .WithPortBinding(6379, true)
                .WithCommand("redis-server", "--notify-keyspace-events", "Ex")
                .WithWaitStrategy(Wait.ForUnixContainer().UntilInternalTcpPortIsAvailable(6379))
                .Build();
            await container.StartAsync();
            redis = $"{container.Hostname}:{container.GetMappedPublicPort(6379)}";
        }

        return (postgres, redis);
    }
}
