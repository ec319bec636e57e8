using ChatMonolith.Modules.Notifications.Tests.Fakes;
using ChatMonolith.Testing;
using Grpc.Net.Client;
using Xunit;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>
/// Notifications in a process of its own, as README's second shape: two processes of the built host on one fresh
/// database, one with <c>Host:Runs=EverythingButNotifications</c> (where apps call) and one with
/// <c>Host:Runs=Notifications</c>, pushing to <see cref="PushFakes"/>.
/// </summary>
public sealed class SplitPushHost : IPushHost, IAsyncLifetime
{
    private PushFakes _fakes = null!;
    private string _connectionString = "";
    private readonly string _redisKeyPrefix = $"test-{Guid.NewGuid():N}:";

    public HostProcess Host { get; private set; } = null!;

    public HostProcess Notifications { get; private set; } = null!;

    public GrpcChannel Channel => Host.Channel;

    public FakeFcm Fcm => _fakes.Fcm;

    public FakeApns Apns => _fakes.Apns;

    public FakeWebPush WebPush => _fakes.WebPush;

    public async Task InitializeAsync()
    {
        _fakes = await PushFakes.StartAsync();
        _connectionString = await TestInfrastructure.CreateDatabaseAsync();
        // The host first: it migrates the database.
        Host = await StartAsync("EverythingButNotifications");
        Notifications = await StartAsync("Notifications");
    }

    /// <summary>Kills the host (SIGKILL) and starts it again, on new ports: <see cref="Channel"/> is then the new one's.</summary>
    public async Task KillAndRestartHostAsync()
    {
        await Host.KillAsync();
        await Host.DisposeAsync();
        Host = await StartAsync("EverythingButNotifications");
    }

    /// <summary>Kills the Notifications process (SIGKILL) and leaves it down until <see cref="StartNotificationsAsync"/>.</summary>
    public async Task KillNotificationsAsync()
    {
        await Notifications.KillAsync();
        await Notifications.DisposeAsync();
    }

    public async Task StartNotificationsAsync() => Notifications = await StartAsync("Notifications");

    public Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) =>
        DatabaseState.ScalarAsync<T>(_connectionString, sql, parameters);

    public async Task DisposeAsync()
    {
        if (Notifications is not null)
        {
            await Notifications.DisposeAsync();
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await _fakes.DisposeAsync();
        if (_connectionString.Length > 0)
        {
            await TestInfrastructure.DropDatabaseAsync(_connectionString);
        }
    }

    private async Task<HostProcess> StartAsync(string runs)
    {
        var settings = new Dictionary<string, string>
        {
            ["Host:Runs"] = runs,
            ["ConnectionStrings:Postgres"] = _connectionString,
            ["ConnectionStrings:Redis"] = await TestInfrastructure.RedisAsync(),
            ["Redis:KeyPrefix"] = _redisKeyPrefix,
        };
        foreach (var (key, value) in _fakes.Settings())
        {
            settings[key] = value;
        }

        return await HostProcess.StartAsync(settings);
    }
}
