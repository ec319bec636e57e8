using System.Diagnostics;
using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using ChatMonolith.Testing;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ChatMonolith.MultiHost.Tests;

/// <summary>A host in this process, to ask through its bus, and a second host in a process of its own, to kill.</summary>
public sealed class LiveDevicesFixture : ChatHostFixture, IAsyncLifetime
{
    public HostProcess Other { get; private set; } = null!;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Other = await HostProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = ConnectionString,
            ["ConnectionStrings:Redis"] = await TestInfrastructure.RedisAsync(),
            ["Redis:KeyPrefix"] = RedisKeyPrefix,
            ["Messaging:RoutingProbeInterval"] = "00:00:00.500",
            ["Messaging:HostLease"] = "00:00:02",
        });
    }

    public new async Task DisposeAsync()
    {
        await Other.DisposeAsync();
        await base.DisposeAsync();
    }
}

[Collection(HostCollection.Name)]
public sealed class LiveDevicesTests(LiveDevicesFixture hosts) : IClassFixture<LiveDevicesFixture>
{
    [Fact]
    public async Task Given_devices_streaming_on_two_hosts_When_asked_who_is_live_Then_both_hosts_streams_count_and_a_killed_hosts_lapse_within_its_lease()
    {
        var alice = await hosts.Channel.RegisterAndLoginAsync();
        var alicesTablet = await hosts.Channel.LoginAsync(alice.Username, "tablet");
        var alicesLaptop = await hosts.Channel.LoginAsync(alice.Username, "laptop");
        await using var phone = await DeviceStream.ConnectAsync(hosts.Channel, alice);
        await using var tablet = await DeviceStream.ConnectAsync(hosts.Other.Channel, alicesTablet);
        await Task.WhenAll(phone.CaughtUpAsync(), tablet.CaughtUpAsync());

        var live = await FindAsync(alice.UserId);
        Assert.Equal([alice.DeviceId, alicesTablet.DeviceId], live.Order());
        Assert.DoesNotContain(alicesLaptop.DeviceId, live);

        // A stream that ends is live no more, at once.
        await phone.CloseAsync();
        await WaitUntilAsync(alice.UserId, devices => !devices.Contains(alice.DeviceId), TimeSpan.FromSeconds(5));

        // A host that dies without a word takes its streams with it once its lease lapses.
        await hosts.Other.KillAsync();
        var killed = Stopwatch.StartNew();
        await WaitUntilAsync(alice.UserId, devices => devices.Count == 0, TimeSpan.FromSeconds(10));
        Assert.InRange(killed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
    }

    private async Task<List<string>> FindAsync(string userId)
    {
        var answer = await hosts.Services.GetRequiredService<IMessageBus>().InvokeAsync<LiveDevices>(new FindLiveDevices([Guid.Parse(userId)]));
        return [.. answer.Devices.Select(d => d.DeviceId!.Value.ToString())];
    }

    private async Task WaitUntilAsync(string userId, Func<List<string>, bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!condition(await FindAsync(userId)))
        {
            Assert.True(deadline.Elapsed < timeout, "not within " + timeout);
            await poll.WaitForNextTickAsync();
        }
    }
}
