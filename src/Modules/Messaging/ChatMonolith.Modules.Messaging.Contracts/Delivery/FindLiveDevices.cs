namespace ChatMonolith.Modules.Messaging.Contracts.Delivery;

/// <summary>
/// Query: which devices of <paramref name="UserIds"/> hold a live stream now, on any host. A device in the answer gets
/// what is delivered to it in real time; one that is not needs a push. Hosts that stopped (killed, cut off) drop out
/// within their lease, <c>Messaging:HostLease</c>.
/// </summary>
public sealed record FindLiveDevices(IReadOnlyList<Guid> UserIds);

/// <summary>The answer to <see cref="FindLiveDevices"/>: each device, once.</summary>
public sealed record LiveDevices(IReadOnlyList<DeviceTarget> Devices);
