using System.Net;
using ChatMonolith.Host.Composition;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace ChatMonolith.Testing;

/// <summary>
/// A real host on real Kestrel sockets (ports picked by the OS), with a database of its own and its own Redis key
/// prefix, so test classes run side by side without seeing each other's data.
/// </summary>
public class ChatHostFixture : IAsyncLifetime
{
    /// <summary>The key tests use to forge tokens (an expired one, say) exactly as the host would sign them.</summary>
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hmac-sha256";

    private WebApplication? _app;

    public string ConnectionString { get; private set; } = "";

    public string RedisKeyPrefix { get; } = $"test-{Guid.NewGuid():N}:";

    public IServiceProvider Services => App.Services;

    /// <summary>The HTTP/2 channel a native app would use.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>A gRPC-Web channel over HTTP/1.1, as a browser would use.</summary>
    public GrpcChannel WebChannel { get; private set; } = null!;

    public Uri WebAddress => Services.GetRequiredService<HostEndpoints>().WebAddress;

    /// <summary>Where Prometheus would scrape this host.</summary>
    public Uri MetricsAddress => Services.GetRequiredService<HostEndpoints>().MetricsAddress
        ?? throw new InvalidOperationException("Metrics are off for this host.");

    private WebApplication App => _app ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync()
    {
        ConnectionString = await TestInfrastructure.CreateDatabaseAsync();
        await StartHostAsync();
    }

    public async Task DisposeAsync()
    {
        await StopHostAsync();
        if (ConnectionString.Length > 0)
        {
            await TestInfrastructure.DropDatabaseAsync(ConnectionString);
        }
    }

    /// <summary>
    /// Stops the host as a deployment's restart would (graceful: Wolverine gives up what its node owned) and starts a
    /// new one on the same database and Redis. Channels are new; open calls on the old ones end.
    /// </summary>
    public async Task RestartAsync()
    {
        await StopHostAsync();
        // A restart is a new process, with no pooled connection left from before (in this one, Npgsql's pools by
        // connection string outlive the host; after a database crash theirs are dead, and the first use fails).
        NpgsqlConnection.ClearAllPools();
        await StartHostAsync();
    }

    private async Task StartHostAsync()
    {
        var redis = await TestInfrastructure.RedisAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = ConnectionString,
            ["ConnectionStrings:Redis"] = redis,
            ["Redis:KeyPrefix"] = RedisKeyPrefix,
            ["Host:GrpcPort"] = "0",
            ["Host:WebPort"] = "0",
            ["Host:MetricsPort"] = "0",
            ["Identity:SigningKey"] = SigningKey,
            // The lowest the options allow: hashing stays PBKDF2, the suite stays fast.
            ["Identity:PasswordHashIterations"] = "10000",
            // Pre-generated Wolverine code only: a stale Internal/Generated fails here rather than compiling slowly in production.
            ["Wolverine:CodeGeneration"] = "Static",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
        };
        foreach (var (key, value) in TestLimits.Raised)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }

        _app = ChatHost.Build([], Program.Modules(), builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            ConfigureServices(builder.Services);
        });
        await _app.MigrateModulesAsync();
        await _app.StartAsync();

        var endpoints = Services.GetRequiredService<HostEndpoints>();
        Channel = GrpcChannel.ForAddress(endpoints.GrpcAddress);
        WebChannel = GrpcChannel.ForAddress(endpoints.WebAddress, new GrpcChannelOptions
        {
            // Browsers reach gRPC-Web over HTTP/1.1 here: the web endpoint has no TLS, so no HTTP/2.
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
    }

    private async Task StopHostAsync()
    {
        Channel?.Dispose();
        WebChannel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>The first column of the first row of a query against the host's database; fails when there is no row.</summary>
    public Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) =>
        DatabaseState.ScalarAsync<T>(ConnectionString, sql, parameters);

    /// <summary>
    /// Polls PostgreSQL until a backend of this host's database waits on a lock (a batch of sends behind a row the test
    /// holds), or until <paramref name="orUntil"/> ends first (the send was answered without waiting). On Citus the wait
    /// happens on the worker that holds the row's shard, and the coordinator's <c>citus_lock_waits</c> shows it.
    /// </summary>
    public async Task WaitForALockWaiterAsync(Task? orUntil = null)
    {
        var query = TestInfrastructure.CitusWorkers.Count > 0
            ? "SELECT count(*) FROM citus_lock_waits"
            : "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        using var timeout = new CancellationTokenSource(DeviceStream.Timeout);
        while (orUntil is not { IsCompleted: true })
        {
            var waiting = await ScalarAsync<long>(query);
            if (waiting > 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }

    /// <summary>Extra configuration for a fixture of one test class.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    /// <summary>Extra services for a fixture of one test class (a probe that listens to a module's events, say).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }
}
