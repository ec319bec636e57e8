using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Identity.Data;
using ChatMonolith.Modules.Identity.Tokens;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Identity.Features.Devices;

/// <summary>Revokes one of the caller's devices; logout is this with the caller's own device.</summary>
public sealed record RevokeDevice(Caller Caller, Guid DeviceId);

public static class RevokeDeviceHandler
{
    public static async Task<OutgoingMessages> Handle(
        RevokeDevice command, IdentityDbContext db, RevokedDevices revokedDevices, TimeProvider clock, CancellationToken cancellationToken)
    {
        var device = await db.Devices.SingleOrDefaultAsync(
                d => d.UserId == command.Caller.UserId && d.DeviceId == command.DeviceId, cancellationToken)
            ?? throw ChatException.NotFound("DEVICE_NOT_FOUND", "You have no device with that id.");

        var events = new OutgoingMessages();
        if (device.RevokedAt is null)
        {
            events.Add(await DeviceRevocation.RevokeAsync(device, revokedDevices, clock.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken);
        }

        return events;
    }
}
