using System.ComponentModel.DataAnnotations;

namespace ChatMonolith.Modules.Notifications;

/// <summary>Settings of the Notifications module, section <c>Notifications</c>: which push providers this deployment has.</summary>
internal sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    public FcmOptions Fcm { get; set; } = new();

    public ApnsOptions Apns { get; set; } = new();

    public WebPushOptions WebPush { get; set; } = new();

    /// <summary>How long a mute may last at most, when it has an end.</summary>
    public TimeSpan MaxMuteDuration { get; set; } = TimeSpan.FromDays(366);
}

/// <summary>Firebase Cloud Messaging, HTTP v1: on once a service-account file is given.</summary>
internal sealed class FcmOptions
{
    /// <summary>The service-account JSON file (its project_id, client_email, private_key and token_uri).</summary>
    public string ServiceAccountFile { get; set; } = "";

    public bool IsConfigured => ServiceAccountFile.Length > 0;
}

/// <summary>Apple Push Notification service with a provider token: on once the key file, key id and team id are given.</summary>
internal sealed class ApnsOptions
{
    /// <summary>The .p8 file with the ES256 signing key Apple issued.</summary>
    public string KeyFile { get; set; } = "";

    public string KeyId { get; set; } = "";

    public string TeamId { get; set; } = "";

    public bool IsConfigured => KeyFile.Length > 0 && KeyId.Length > 0 && TeamId.Length > 0;
}

/// <summary>Web Push with VAPID (RFC 8292): on once the key pair and subject are given.</summary>
internal sealed class WebPushOptions
{
    /// <summary>The VAPID public key, base64url (the one browsers get as applicationServerKey).</summary>
    public string VapidPublicKey { get; set; } = "";

    public string VapidPrivateKey { get; set; } = "";

    /// <summary>A mailto: or https: contact for the push services.</summary>
    public string Subject { get; set; } = "";

    /// <summary>
    /// The push services whose endpoints are accepted: host names, or <c>*.</c> and a domain for its subdomains. The
    /// server sends to these only, so that a subscription cannot make it reach any other address.
    /// </summary>
    [MinLength(1)]
    public string[] AllowedHosts { get; set; } =
    [
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        "web.push.apple.com",
        "*.notify.windows.com",
    ];

    public bool IsConfigured => VapidPublicKey.Length > 0 && VapidPrivateKey.Length > 0 && Subject.Length > 0;
}
