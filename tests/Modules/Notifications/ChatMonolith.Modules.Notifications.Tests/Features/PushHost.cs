using ChatMonolith.Modules.Notifications.Tests.Fakes;
using ChatMonolith.Testing;
using Grpc.Net.Client;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>What the push tests need of a deployment, in one process or with Notifications apart.</summary>
public interface IPushHost
{
    /// <summary>Where apps call: the host, which serves chat.notifications.v1 in either shape.</summary>
    GrpcChannel Channel { get; }

    FakeFcm Fcm { get; }

    FakeApns Apns { get; }

    FakeWebPush WebPush { get; }

    /// <summary>The first column of the first row of a query against the deployment's database.</summary>
    Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters);
}

public static class PushHostExtensions
{
    /// <summary>
    /// Waits until Messaging knows that a push can reach <paramref name="device"/> (Notifications' PushTargetChanged,
    /// handled in the background); a message sent before that would find no device to push to.
    /// </summary>
    public static Task PushCanReachAsync(this IPushHost host, TestSession device) =>
        DatabaseState.UntilAsync(
            async () => await host.ScalarAsync<long>(
                "SELECT count(*) FROM messaging.push_reachable_devices WHERE device_id = @device AND has_target",
                ("device", Guid.Parse(device.DeviceId))) == 1,
            Fakes.Inbox.Patience,
            () => Task.FromResult($"Messaging never heard that device {device.DeviceId} has a push target"));
}

/// <summary>
/// The push fakes on loopback (<see cref="FakeFcm"/>, <see cref="FakeApns"/> over HTTP/2 and TLS, <see cref="FakeWebPush"/>
/// over TLS, the host trusting this run's authority) and the settings that point a deployment at them, with a
/// coalescing window of three seconds and quick retries.
/// </summary>
public sealed class PushFakes : IAsyncDisposable
{
    private readonly LoopbackTls _tls;

    private PushFakes(FakeFcm fcm, FakeApns apns, FakeWebPush webPush, LoopbackTls tls)
    {
        Fcm = fcm;
        Apns = apns;
        WebPush = webPush;
        _tls = tls;
    }

    public FakeFcm Fcm { get; }

    public FakeApns Apns { get; }

    public FakeWebPush WebPush { get; }

    public static async Task<PushFakes> StartAsync()
    {
        var tls = new LoopbackTls();
        return new PushFakes(await FakeFcm.StartAsync(), await FakeApns.StartAsync(tls), await FakeWebPush.StartAsync(tls), tls);
    }

    public IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Notifications:Fcm:ServiceAccountFile", Fcm.ServiceAccountFile),
        new("Notifications:Fcm:BaseUrl", Fcm.BaseUrl.ToString()),
        new("Notifications:Apns:KeyFile", Apns.KeyFile),
        new("Notifications:Apns:KeyId", FakeApns.KeyId),
        new("Notifications:Apns:TeamId", FakeApns.TeamId),
        new("Notifications:Apns:ProductionUrl", Apns.BaseUrl.ToString()),
        new("Notifications:Apns:SandboxUrl", Apns.BaseUrl.ToString()),
        new("Notifications:WebPush:VapidPublicKey", WebPush.Vapid.PublicKey),
        new("Notifications:WebPush:VapidPrivateKey", WebPush.Vapid.PrivateKey),
        new("Notifications:WebPush:Subject", "mailto:push@chat.test"),
        new("Notifications:WebPush:AllowedHosts:0", "127.0.0.1"),
        new("Notifications:TrustedRootsFile", _tls.RootsFile),
        new("Notifications:CoalesceWindow", "00:00:03"),
        new("Notifications:RetryDelay", "00:00:00.100"),
        // A provider that hangs is cut off after this, so that a test of one does not wait ten seconds.
        new("Notifications:ProviderTimeout", "00:00:05"),
    ];

    public async ValueTask DisposeAsync()
    {
        await Fcm.DisposeAsync();
        await Apns.DisposeAsync();
        await WebPush.DisposeAsync();
        _tls.Dispose();
    }
}

/// <summary>Every module in one host (in this test process), pushing to <see cref="PushFakes"/>.</summary>
public sealed class PushHost : ChatHostFixture, IPushHost, IAsyncLifetime
{
    private PushFakes _fakes = null!;

    public FakeFcm Fcm => _fakes.Fcm;

    public FakeApns Apns => _fakes.Apns;

    public FakeWebPush WebPush => _fakes.WebPush;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _fakes = await PushFakes.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _fakes.DisposeAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        _fakes.Settings().Select(s => new KeyValuePair<string, string?>(s.Key, s.Value));
}
