using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Identity.Data;
using ChatMonolith.Modules.Identity.Features.Devices;
using ChatMonolith.Modules.Identity.Tokens;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace ChatMonolith.Modules.Identity.Features.Refresh;

public sealed record RefreshSession(Secret RefreshToken);

/// <summary>
/// New tokens, or why none were issued. A refusal is a result rather than an exception because a reused token
/// revokes its device, and that revocation must commit.
/// </summary>
public sealed record SessionRefresh(IssuedTokens? Tokens, string? FailureReason);

public static class RefreshSessionHandler
{
    public static async Task<(SessionRefresh, OutgoingMessages)> Handle(
        RefreshSession command, IdentityDbContext db, SessionIssuer sessions, RevokedDevices revokedDevices, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var events = new OutgoingMessages();
        if (!RefreshTokens.TryParse(command.RefreshToken.Reveal(), out var userId, out var hash))
        {
            return (Refused("REFRESH_TOKEN_INVALID"), events);
        }

        var token = await db.RefreshTokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.UserId == userId && t.TokenHash == hash, cancellationToken);
        if (token is null)
        {
            return (Refused("REFRESH_TOKEN_INVALID"), events);
        }

        var device = await db.Devices.SingleAsync(d => d.UserId == userId && d.DeviceId == token.DeviceId, cancellationToken);
        if (device.RevokedAt is not null)
        {
            return (Refused("DEVICE_REVOKED"), events);
        }

        var now = clock.GetUtcNow();
        if (token.ExpiresAt <= now)
        {
            return (Refused("REFRESH_TOKEN_EXPIRED"), events);
        }

        // Only one caller can retire a token. A second presentation, even a concurrent one (which waits here for the
        // first to commit), is a retry of a lost answer within the retry window, and reuse otherwise.
        var presented = command.RefreshToken.Reveal();
        var retired = await db.RefreshTokens
            .Where(t => t.UserId == userId && t.TokenHash == hash && t.ReplacedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ReplacedAt, now), cancellationToken);
        if (retired == 0)
        {
            // Read first already when this is a retry after the answer; read again when it was rotated meanwhile.
            var rotatedAt = token.ReplacedAt ?? await db.RefreshTokens.AsNoTracking()
                .Where(t => t.UserId == userId && t.TokenHash == hash)
                .Select(t => t.ReplacedAt)
                .SingleAsync(cancellationToken);
            if (rotatedAt is { } at && await sessions.RetryAsync(db, userId, device.DeviceId, presented, at, cancellationToken) is { } again)
            {
                return (new SessionRefresh(again, null), events);
            }

            events.Add(await DeviceRevocation.RevokeAsync(device, revokedDevices, now));
            await db.SaveChangesAsync(cancellationToken);
            return (Refused("REFRESH_TOKEN_REUSED"), events);
        }

        device.LastActiveAt = now;
        var tokens = sessions.Rotate(db, userId, device.DeviceId, presented);
        await db.SaveChangesAsync(cancellationToken);
        return (new SessionRefresh(tokens, null), events);
    }

    private static SessionRefresh Refused(string reason) => new(null, reason);
}
