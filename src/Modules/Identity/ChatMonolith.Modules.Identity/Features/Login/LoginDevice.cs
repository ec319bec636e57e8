using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Identity.Data;
using ChatMonolith.Modules.Identity.Features.Limits;
using ChatMonolith.Modules.Identity.Features.Register;
using ChatMonolith.Modules.Identity.Tokens;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Identity.Features.Login;

/// <summary>A login; <paramref name="Source"/> is the client's address, for the limits per address.</summary>
public sealed record LoginDevice(string Username, Secret Password, string DeviceName, DevicePlatform Platform, string Source);

public sealed record DeviceLogin(Guid UserId, Guid DeviceId, IssuedTokens Tokens);

public static class LoginDeviceHandler
{
    public static async Task<(DeviceLogin, DeviceSignedIn)> Handle(
        LoginDevice command, IdentityDbContext db, Passwords passwords, SessionIssuer sessions, IdentityLimits limits, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var validator = new Validator();
        var deviceName = validator.Name(command.DeviceName, "device_name", Device.MaxNameLength);
        validator
            .Require(command.Username.Length > 0, "username", "is required")
            .Require(!command.Password.IsEmpty, "password", "is required")
            .Require(Enum.IsDefined(command.Platform) && command.Platform != DevicePlatform.Unspecified, "platform", "must be a known platform")
            .ThrowIfInvalid();

        // A name no account can have (a NUL in it, say) is not looked up: PostgreSQL would refuse the query.
        var username = Usernames.Normalize(command.Username);
        await limits.BeforeLoginAsync(command.Source, username);
        var user = Usernames.IsValid(username) ? await FindUserAsync(db, username, cancellationToken) : null;
        if (user is null)
        {
            passwords.VerifyNothing(command.Password.Reveal());
            await limits.FailedLoginAsync(username);
            throw WrongCredentials();
        }

        var verification = passwords.Verify(user, command.Password.Reveal());
        if (verification == PasswordVerificationResult.Failed)
        {
            await limits.FailedLoginAsync(username);
            throw WrongCredentials();
        }

        if (limits.MaxDevicesPerUser > 0
            && await db.Devices.CountAsync(d => d.UserId == user.UserId && d.RevokedAt == null, cancellationToken) >= limits.MaxDevicesPerUser)
        {
            throw ChatException.ResourceExhausted("TOO_MANY_DEVICES",
                $"This account has {limits.MaxDevicesPerUser} devices signed in, the most it may have: sign one out (RevokeDevice) first.");
        }

        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = passwords.Hash(command.Password.Reveal());
        }

        var now = clock.GetUtcNow();
        var device = new Device
        {
            UserId = user.UserId,
            DeviceId = Guid.CreateVersion7(),
            Name = deviceName,
            Platform = command.Platform,
            CreatedAt = now,
            LastActiveAt = now,
        };
        db.Devices.Add(device);
        var tokens = sessions.Issue(db, user.UserId, device.DeviceId);
        await db.SaveChangesAsync(cancellationToken);

        return (new DeviceLogin(user.UserId, device.DeviceId, tokens),
            new DeviceSignedIn(user.UserId, device.DeviceId, device.Name, device.Platform, now));
    }

    private static async Task<User?> FindUserAsync(IdentityDbContext db, string username, CancellationToken cancellationToken)
    {
        var userId = await db.Usernames.Where(c => c.Username == username).Select(c => (Guid?)c.UserId)
            .SingleOrDefaultAsync(cancellationToken);
        return userId is null ? null : await db.Users.SingleOrDefaultAsync(u => u.UserId == userId, cancellationToken);
    }

    // One message for an unknown user and a wrong password, so the answer does not reveal which usernames exist.
    private static ChatException WrongCredentials() =>
        ChatException.Unauthenticated("INVALID_CREDENTIALS", "The username or password is wrong.");
}
