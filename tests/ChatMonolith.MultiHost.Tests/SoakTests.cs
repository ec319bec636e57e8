using System.Diagnostics;
using System.Globalization;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Xunit.Abstractions;

namespace ChatMonolith.MultiHost.Tests;

/// <summary>
/// Mixed traffic over three hosts with a host killed and Redis cut in the middle. CI runs it for
/// <see cref="DefaultSeconds"/>; <c>scripts/soak [seconds]</c> runs it for as long as asked (CHATMONOLITH_SOAK_SECONDS).
/// </summary>
[Collection(HostCollection.Name)]
public sealed class SoakTests(HostCluster hosts, ITestOutputHelper output) : IClassFixture<HostCluster>
{
    private const int DefaultSeconds = 20;

    [Fact]
    public async Task Given_mixed_traffic_over_three_hosts_with_a_kill_and_a_Redis_cut_Then_every_device_gets_everything_stored_once_in_order()
    {
        var duration = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("CHATMONOLITH_SOAK_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeconds);
        var devices = new List<(ChatDevice Device, int Host)>();
        for (var i = 0; i < 9; i++)
        {
            devices.Add((new ChatDevice(await hosts[i % 3].Channel.RegisterAndLoginAsync()), i % 3));
        }

        // Three groups of four and a direct chat between each pair of neighbours: every device in a group and two chats.
        var conversations = new Dictionary<ChatDevice, List<string>>();
        foreach (var (device, _) in devices)
        {
            conversations[device] = [];
        }

        for (var g = 0; g < 3; g++)
        {
            var members = Enumerable.Range(0, 4).Select(k => devices[(g * 3 + k) % devices.Count].Device).ToList();
            var group = await hosts[0].Channel.CreateGroupAsync(members[0].Session, $"soak {g}", members.Skip(1).Select(m => m.Session));
            members.ForEach(m => conversations[m].Add(group.ConversationId));
        }

        for (var i = 0; i < devices.Count; i++)
        {
            var (a, b) = (devices[i].Device, devices[(i + 1) % devices.Count].Device);
            var chat = await hosts[0].Channel.OpenDirectChatAsync(a.Session, b.Session);
            conversations[a].Add(chat.ConversationId);
            conversations[b].Add(chat.ConversationId);
        }

        foreach (var (device, host) in devices)
        {
            await device.ConnectAsync(hosts[host].Channel);
        }

        using var stop = new CancellationTokenSource(duration);
        var sent = new Dictionary<ChatDevice, int>();
        var traffic = devices.Select(d => Task.Run(async () =>
        {
            var random = new Random(d.Device.Session.Username.GetHashCode(StringComparison.Ordinal));
            var count = 0;
            while (!stop.IsCancellationRequested)
            {
                var list = conversations[d.Device];
                await d.Device.SendAsync(list[random.Next(list.Count)], $"{d.Device.Session.Username}:{count++}");
                await Task.Delay(random.Next(20, 80), CancellationToken.None);
            }

            lock (sent)
            {
                sent[d.Device] = count;
            }
        })).ToList();

        // A third of the way: host 3 dies, and its devices move to host 1.
        await Task.Delay(duration / 3);
        await hosts.KillAsync(2);
        foreach (var (device, _) in devices.Where(d => d.Host == 2))
        {
            await device.ConnectAsync(hosts[0].Channel);
        }

        // Two thirds of the way: Redis goes away for three seconds.
        await Task.Delay(duration / 3);
        await hosts.Redis.CutAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        hosts.Redis.Resume();
        await Task.WhenAll(traffic);

        foreach (var (device, _) in devices)
        {
            await device.WaitUntilAsync(d => d.Unacked == 0, TimeSpan.FromSeconds(30), "every send acknowledged");
        }

        var stored = await hosts.StoredPerConversationAsync();
        output.WriteLine($"{"device",-20} {"sent",6} {"acked",6} {"stored",7} {"delivered",9} {"dups",5} {"gaps",5}");
        foreach (var (device, _) in devices)
        {
            var expected = conversations[device].Sum(c => stored.GetValueOrDefault(c));
            await device.WaitUntilAsync(d => d.Received.Count >= expected, TimeSpan.FromSeconds(30), $"all {expected} stored messages delivered");
            var storedOwn = await hosts.StoredFromAsync(device.Session.UserId);
            output.WriteLine($"{device.Session.Username,-20} {sent[device],6} {device.Acked.Count,6} {storedOwn,7} {device.Received.Count,9} {device.Duplicates,5} {device.Gaps,5}");
            Assert.Equal(sent[device], device.Acked.Count);
            Assert.Equal(sent[device], storedOwn);
            Assert.Equal(expected, device.Received.Count);
            Assert.Equal((0, 0), (device.Duplicates, device.Gaps));
            // In seq order per conversation.
            foreach (var perConversation in device.Received.GroupBy(m => m.ConversationId))
            {
                Assert.Equal(perConversation.Select(m => m.Seq).Order(), perConversation.Select(m => m.Seq));
            }
        }

        foreach (var (device, _) in devices)
        {
            await device.DisposeAsync();
        }
    }
}
