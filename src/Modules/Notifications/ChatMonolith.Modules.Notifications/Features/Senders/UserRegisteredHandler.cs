using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Senders;

/// <summary>Keeps each user's display name, from Identity's event, for the sender line of a push with a preview.</summary>
public static class UserRegisteredHandler
{
    public static Task Handle(UserRegistered registered, NotificationsDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO notifications.senders (user_id, display_name) VALUES ({registered.UserId}, {Truncated(registered.DisplayName)})
            ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name
            """,
            cancellationToken);

    private static string Truncated(string name) => name.Length <= Sender.MaxDisplayNameLength ? name : name[..Sender.MaxDisplayNameLength];
}
