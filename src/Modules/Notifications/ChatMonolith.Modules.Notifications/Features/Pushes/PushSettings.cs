namespace ChatMonolith.Modules.Notifications.Features.Pushes;

/// <summary>The settings that decide and shape pushes (from <see cref="NotificationsOptions"/>), for the handlers.</summary>
public sealed class PushSettings
{
    internal PushSettings(NotificationsOptions options) => Options = options;

    internal NotificationsOptions Options { get; }

    internal TimeSpan CoalesceWindow => Options.CoalesceWindow;

    internal PushPayload Payload => Options.Payload;

    internal int PreviewLength => Options.PreviewLength;
}
