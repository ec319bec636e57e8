using ChatMonolith.BuildingBlocks.RateLimits;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Identity.Features.Limits;

/// <summary>
/// The limits of logins and registrations (<see cref="IdentityOptions"/>), held across hosts in Redis: attempts per
/// source address, wrong passwords per account, registrations per address. Each is checked before a password is hashed.
/// </summary>
public sealed class IdentityLimits
{
    private readonly RateLimiter _limiter;
    private readonly RateLimit _loginsPerAddress;
    private readonly RateLimit _failuresPerAccount;
    private readonly RateLimit _registrationsPerAddress;

    internal IdentityLimits(RateLimiter limiter, IOptions<IdentityOptions> options)
    {
        var o = options.Value;
        _limiter = limiter;
        _loginsPerAddress = new("logins-per-address", o.LoginAttemptsPerAddress, o.LoginWindow);
        _failuresPerAccount = new("failed-logins-per-account", o.FailedLoginsPerAccount, o.LoginWindow);
        _registrationsPerAddress = new("registrations-per-address", o.RegistrationsPerAddress, o.RegistrationWindow);
        MaxDevicesPerUser = o.MaxDevicesPerUser;
    }

    internal int MaxDevicesPerUser { get; }

    /// <summary>Takes a login attempt of the address, and refuses one for an account that failed too often.</summary>
    internal async Task BeforeLoginAsync(string source, string username)
    {
        await _limiter.TakeOrRefuseAsync(_loginsPerAddress, source, "LOGIN_RATE_LIMITED", "Too many login attempts from this address");
        if (await _limiter.ExhaustedAsync(_failuresPerAccount, username) is { } forAccount)
        {
            throw RateLimiter.Refusal("LOGIN_RATE_LIMITED", "Too many wrong passwords for this account", forAccount);
        }
    }

    /// <summary>Counts a wrong password (or an unknown user) against the username.</summary>
    internal async Task FailedLoginAsync(string username) => await _limiter.TryTakeAsync(_failuresPerAccount, username);

    internal ValueTask BeforeRegistrationAsync(string source) =>
        _limiter.TakeOrRefuseAsync(_registrationsPerAddress, source, "REGISTRATION_RATE_LIMITED", "Too many registrations from this address");
}
