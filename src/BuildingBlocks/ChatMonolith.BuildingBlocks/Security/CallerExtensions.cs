using System.Security.Claims;
using ChatMonolith.BuildingBlocks.Errors;
using Grpc.Core;

namespace ChatMonolith.BuildingBlocks.Security;

/// <summary>Reads the authenticated <see cref="Caller"/> of a gRPC call.</summary>
public static class CallerExtensions
{
    /// <summary>The caller of an authenticated call; UNAUTHENTICATED when there is none.</summary>
    public static Caller GetCaller(this ServerCallContext context) =>
        TryGetCaller(context.GetHttpContext().User)
        ?? throw ChatException.Unauthenticated("TOKEN_MISSING", "This call needs a valid access token.");

    /// <summary>
    /// The client's address, for limits per address: the connection's peer (behind a proxy, the proxy's, unless the
    /// host is told to trust its forwarded headers). IPv4 in IPv6 form counts as the IPv4 address.
    /// </summary>
    public static string SourceAddress(this ServerCallContext context) =>
        context.GetHttpContext().Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : "unknown";

    /// <summary>The caller a principal describes, or null when it is not an authenticated device.</summary>
    public static Caller? TryGetCaller(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        return Guid.TryParse(principal.FindFirstValue(CallerClaims.UserId), out var userId)
               && Guid.TryParse(principal.FindFirstValue(CallerClaims.DeviceId), out var deviceId)
            ? new Caller(userId, deviceId)
            : null;
    }
}
