namespace ChatMonolith.Modules.Notifications.Data;

/// <summary>A user's display name as Identity announced it at registration: what a push with a preview shows as its sender.</summary>
internal sealed class Sender
{
    public const int MaxDisplayNameLength = 256;

    public Guid UserId { get; init; }

    public string DisplayName { get; set; } = "";
}
