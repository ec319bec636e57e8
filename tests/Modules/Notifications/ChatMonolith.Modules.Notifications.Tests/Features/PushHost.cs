using System.Diagnostics.CodeAnalysis;
using ChatMonolith.Modules.Notifications.Tests.Fakes;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>
/// A host whose FCM, APNs and Web Push are fakes on loopback (<see cref="FakeFcm"/>, <see cref="FakeApns"/> over
/// HTTP/2 and TLS, <see cref="FakeWebPush"/> over TLS, the host trusting this run's authority), with a coalescing
/// window of three seconds and quick retries.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xUnit ends a fixture through IAsyncLifetime, which disposes the authority")]
public sealed class PushHost : ChatHostFixture, IAsyncLifetime
{
    private readonly LoopbackTls _tls = new();

    public FakeFcm Fcm { get; private set; } = null!;

    public FakeApns Apns { get; private set; } = null!;

    public FakeWebPush WebPush { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        Fcm = await FakeFcm.StartAsync();
        Apns = await FakeApns.StartAsync(_tls);
        WebPush = await FakeWebPush.StartAsync(_tls);
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Fcm.DisposeAsync();
        await Apns.DisposeAsync();
        await WebPush.DisposeAsync();
        _tls.Dispose();
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
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
}
