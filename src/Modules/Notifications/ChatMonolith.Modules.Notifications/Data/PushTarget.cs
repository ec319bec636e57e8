namespace ChatMonolith.Modules.Notifications.Data;

/// <summary>Where to push one device: at most one target per device.</summary>
internal sealed class PushTarget
{
    public const int MaxAddressLength = 4096;

    public const int MaxTopicLength = 255;

    public Guid UserId { get; init; }

    public Guid DeviceId { get; init; }

    public PushProvider Provider { get; set; }

    /// <summary>The FCM registration token, the APNs device token, or the Web Push endpoint URL.</summary>
    public string Address { get; set; } = "";

    /// <summary>APNs: the app's bundle id.</summary>
    public string? ApnsTopic { get; set; }

    public ApnsEnvironment? ApnsEnvironment { get; set; }

    /// <summary>Web Push: the subscription's public key and authentication secret, base64url.</summary>
    public string? WebPushP256dh { get; set; }

    public string? WebPushAuth { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal enum PushProvider : short
{
    Fcm = 1,
    Apns = 2,
    WebPush = 3,
}

internal enum ApnsEnvironment : short
{
    Production = 1,
    Sandbox = 2,
}
