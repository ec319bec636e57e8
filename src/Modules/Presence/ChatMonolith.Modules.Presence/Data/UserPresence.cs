namespace ChatMonolith.Modules.Presence.Data;

/// <summary>
/// What of a user's presence outlives Redis: their visibility choice and when they were last seen. Online state itself
/// lives in Redis only.
/// </summary>
internal sealed class UserPresence
{
    public Guid UserId { get; init; }

    public PresenceVisibility Visibility { get; set; } = PresenceVisibility.Conversations;

    public DateTimeOffset? LastSeenAt { get; set; }
}
