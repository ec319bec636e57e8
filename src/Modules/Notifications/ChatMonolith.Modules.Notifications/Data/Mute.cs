namespace ChatMonolith.Modules.Notifications.Data;

/// <summary>A user's mute of one conversation: no pushes for it until <see cref="Until"/>, or ever when that is null.</summary>
internal sealed class Mute
{
    public Guid UserId { get; init; }

    public Guid ConversationId { get; init; }

    public DateTimeOffset? Until { get; set; }
}
