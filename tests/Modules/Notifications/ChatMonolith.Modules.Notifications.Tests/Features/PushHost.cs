using ChatMonolith.Modules.Notifications.Tests.Fakes;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>A host whose FCM is <see cref="FakeFcm"/> on loopback, with a coalescing window of three seconds and quick retries.</summary>
public sealed class PushHost : ChatHostFixture, IAsyncLifetime
{
    public FakeFcm Fcm { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        Fcm = await FakeFcm.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Fcm.DisposeAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Notifications:Fcm:ServiceAccountFile", Fcm.ServiceAccountFile),
        new("Notifications:Fcm:BaseUrl", Fcm.BaseUrl.ToString()),
        new("Notifications:CoalesceWindow", "00:00:03"),
        new("Notifications:RetryDelay", "00:00:00.100"),
    ];
}
