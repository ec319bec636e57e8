using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Features.Mutes;

/// <summary>Mutes a conversation until <paramref name="Until"/>, or for good when it is null; or, with <paramref name="Unmute"/>, lifts it.</summary>
public sealed record SetMute(Caller Caller, Guid ConversationId, DateTimeOffset? Until, bool Unmute);

/// <summary>A conversation's mute for one user; <see cref="Until"/> is null for one until unmuted.</summary>
public sealed record MuteView(Guid ConversationId, DateTimeOffset? Until);

public static class SetMuteHandler
{
    public static async Task<MuteView?> Handle(SetMute command, NotificationsDbContext db, MuteRules rules, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userId = command.Caller.UserId;
        if (command.Unmute)
        {
            await db.Mutes.Where(m => m.UserId == userId && m.ConversationId == command.ConversationId).ExecuteDeleteAsync(cancellationToken);
            return null;
        }

        var now = clock.GetUtcNow();
        if (command.Until is { } until)
        {
            new Validator()
                .Require(until > now, "until", "must lie in the future")
                .Require(until <= now + rules.MaxDuration, "until", $"must lie within {rules.MaxDuration.TotalDays:0} days")
                .ThrowIfInvalid();
        }

        // An upsert, so two devices muting at once cannot collide.
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO notifications.mutes (user_id, conversation_id, until) VALUES ({userId}, {command.ConversationId}, {command.Until})
            ON CONFLICT (user_id, conversation_id) DO UPDATE SET until = EXCLUDED.until
            """,
            cancellationToken);
        return new MuteView(command.ConversationId, command.Until);
    }
}

/// <summary>How long a mute with an end may last.</summary>
public sealed class MuteRules
{
    internal MuteRules(TimeSpan maxDuration) => MaxDuration = maxDuration;

    internal TimeSpan MaxDuration { get; }
}
