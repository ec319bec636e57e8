using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Identity.Data;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Identity.Features.Devices;

public sealed record ListDevices(Caller Caller);

public sealed record DeviceView(
    Guid DeviceId, string Name, DevicePlatform Platform, DateTimeOffset CreatedAt, DateTimeOffset LastActiveAt,
    DateTimeOffset? RevokedAt, bool Current);

/// <summary>Reads only: no transaction, no outbox.</summary>
[NonTransactional]
public static class ListDevicesHandler
{
    public static async Task<IReadOnlyList<DeviceView>> Handle(ListDevices query, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var devices = await db.Devices.AsNoTracking()
            .Where(d => d.UserId == query.Caller.UserId)
            .OrderBy(d => d.CreatedAt)
            .ToListAsync(cancellationToken);
        return devices
            .Select(d => new DeviceView(d.DeviceId, d.Name, d.Platform, d.CreatedAt, d.LastActiveAt, d.RevokedAt,
                d.DeviceId == query.Caller.DeviceId))
            .ToList();
    }
}
