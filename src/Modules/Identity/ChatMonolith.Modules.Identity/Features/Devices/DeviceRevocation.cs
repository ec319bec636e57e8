using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Identity.Data;
using ChatMonolith.Modules.Identity.Tokens;

namespace ChatMonolith.Modules.Identity.Features.Devices;

internal static class DeviceRevocation
{
    /// <summary>
    /// Marks the device revoked. Redis is told first, so its access tokens stop working the moment this returns,
    /// even if the transaction later fails (then the client retries; refusing too early is the safe side).
    /// </summary>
    public static async Task<DeviceRevoked> RevokeAsync(Device device, RevokedDevices revokedDevices, DateTimeOffset now)
    {
        await revokedDevices.AddAsync(device.DeviceId);
        device.RevokedAt = now;
        return new DeviceRevoked(device.UserId, device.DeviceId, now);
    }
}
