using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace ChatMonolith.Testing;

/// <summary>
/// The PostgreSQL server and Redis the tests run against: the local servers that <c>scripts/services</c> started
/// (named by CHATMONOLITH_TEST_POSTGRES and CHATMONOLITH_TEST_REDIS), or, where those are unset and a Docker engine
/// runs, containers started once per test run.
/// </summary>
public static class TestInfrastructure
{
    private static readonly Lazy<Task<(string Postgres, string Redis)>> Servers = new(StartAsync);

    /// <summary>A connection string to the server's maintenance database, for creating test databases.</summary>
    public static async Task<string> PostgresAdminAsync() => (await Servers.Value).Postgres;

    public static async Task<string> RedisAsync() => (await Servers.Value).Redis;

    /// <summary>Creates an empty database of its own for one test class.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await PostgresAdminAsync();
        var name = "chat_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(await PostgresAdminAsync());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
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
