using System.Security.Claims;
using System.Text.Encodings.Web;
using ChatMonolith.BuildingBlocks.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Identity.Tokens;

/// <summary>
/// Turns <c>authorization: Bearer …</c> into the caller, when the token is valid and its device is not revoked.
/// It never rejects a call itself: the gRPC interceptor does, with the failure reason recorded here.
/// </summary>
internal sealed class AccessTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokens tokens,
    RevokedDevices revokedDevices)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("TOKEN_INVALID");
        }

        string? failure;
        Caller? caller;
        bool revoked;
        try
        {
            (caller, failure) = await tokens.ValidateAsync(header[BearerPrefix.Length..].Trim(), revokedDevices.CheckDeviceExistsAsync);
            if (caller is null)
            {
                return AuthenticateResult.Fail(failure!);
            }

            revoked = await revokedDevices.ContainsAsync(caller);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException or Npgsql.NpgsqlException)
        {
            // Neither store answered: the caller may be fine, so this is no reason to sign them out.
            return AuthenticateResult.Fail(CallerClaims.CheckUnavailable);
        }

        if (revoked)
        {
            return AuthenticateResult.Fail("DEVICE_REVOKED");
        }

        var identity = new ClaimsIdentity(
            [new Claim(CallerClaims.UserId, caller.UserId.ToString()), new Claim(CallerClaims.DeviceId, caller.DeviceId.ToString())],
            CallerClaims.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), CallerClaims.Scheme));
    }
}
