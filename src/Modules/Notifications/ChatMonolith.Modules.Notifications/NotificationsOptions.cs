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

    /// <summary>
    /// A device gets at most one push per conversation in this long: the first message opens the window, and what
    /// comes until it closes goes out with it as one push with the count.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>What a push shows: the sender, group and a preview, or nothing but where to look.</summary>
    public PushPayload Payload { get; set; } = PushPayload.Preview;

    /// <summary>How many text elements of the message a preview shows at most.</summary>
    [Range(1, 1000)]
    public int PreviewLength { get; set; } = 100;

    /// <summary>
    /// How often the dispatcher looks for due pushes besides being woken by the ones this process decided: pushes that
    /// another process decided and left (it stopped), or that were decided before a restart. Each look reads every
    /// shard of the pushes table on Citus.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a push that the provider refused for now (429, 5xx) is tried in all before it is given up.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first retry's delay when the provider gives no Retry-After; it doubles with each attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one request to a provider may take. One that takes longer is not retried: it may have arrived.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A PEM file of root certificates that the providers' TLS trusts instead of the system's: for a relay with a
    /// private CA, or test services on loopback. Empty for the real push services.
    /// </summary>
    public string TrustedRootsFile { get; set; } = "";

    /// <summary>How long a push keeps trying to reach an offline device at the provider (FCM ttl, APNs expiration, Web Push TTL).</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(2);
}

/// <summary>What a push carries besides <c>conversation_id</c> and <c>seq</c>, which it always carries.</summary>
internal enum PushPayload
{
    /// <summary>The sender's display name, the group's title and the start of the text.</summary>
    Preview = 1,

    /// <summary>Nothing of the message: the app fetches it (as Signal does), and the provider never sees it.</summary>
    ContentFree = 2,
}

/// <summary>Firebase Cloud Messaging, HTTP v1: on once a service-account file is given.</summary>
internal sealed class FcmOptions
{
    /// <summary>The service-account JSON file (its project_id, client_email, private_key and token_uri).</summary>
    public string ServiceAccountFile { get; set; } = "";

    /// <summary>Where messages:send is; the token endpoint is the service-account file's token_uri.</summary>
    public Uri BaseUrl { get; set; } = new("https://fcm.googleapis.com/");

    public bool IsConfigured => ServiceAccountFile.Length > 0;
}

/// <summary>Apple Push Notification service with a provider token: on once the key file, key id and team id are given.</summary>
internal sealed class ApnsOptions
{
    /// <summary>The .p8 file with the ES256 signing key Apple issued.</summary>
    public string KeyFile { get; set; } = "";

    public string KeyId { get; set; } = "";

    public string TeamId { get; set; } = "";

    public Uri ProductionUrl { get; set; } = new("https://api.push.apple.com/");

    public Uri SandboxUrl { get; set; } = new("https://api.sandbox.push.apple.com/");

    /// <summary>How long one provider token is used: Apple wants a new one no more often than every 20 minutes and refuses one older than an hour.</summary>
    [Range(typeof(TimeSpan), "00:20:00", "00:50:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(40);

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
