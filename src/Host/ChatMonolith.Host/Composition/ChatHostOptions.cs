namespace ChatMonolith.Host.Composition;

/// <summary>Settings of the host itself, section <c>Host</c>.</summary>
public sealed class ChatHostOptions
{
    public const string Section = "Host";

    /// <summary>The address both endpoints listen on; 0.0.0.0 in a container.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>HTTP/2 cleartext, for native gRPC clients. 0 picks a free port.</summary>
    public int GrpcPort { get; set; } = 5080;

    /// <summary>HTTP/1.1 and HTTP/2, for gRPC-Web and static files. 0 picks a free port.</summary>
    public int WebPort { get; set; } = 5081;

    /// <summary>
    /// Where Prometheus scrapes <c>/metrics</c>: a listener of its own (plain HTTP/1.1), never one of the public
    /// endpoints. 0 picks a free port; -1 turns metrics off.
    /// </summary>
    public int MetricsPort { get; set; } = 9464;

    /// <summary>The address the metrics listener binds to: loopback unless the scraper is elsewhere (0.0.0.0 in a container).</summary>
    public string MetricsBindAddress { get; set; } = "127.0.0.1";

    /// <summary>A PKCS#12 certificate for the web endpoint; with it, that endpoint serves HTTPS with HTTP/1.1 and HTTP/2.</summary>
    public string CertificatePath { get; set; } = "";

    public string? CertificatePassword { get; set; }

    public bool EnableReflection { get; set; } = true;

    /// <summary>
    /// How long SIGTERM gives the host to drain: its streams are told to reconnect elsewhere, their accepted sends are
    /// stored and answered, and then it exits.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The browser app's built files (web/dist), served at <c>/</c> on the web endpoint; empty serves the host's own
    /// wwwroot, a page that says how to build the app.
    /// </summary>
    public string WebRoot { get; set; } = "";

    /// <summary>Browser origins allowed to call gRPC-Web, comma separated; empty allows none but same-origin.</summary>
    public string CorsOrigins { get; set; } = "";

    /// <summary>
    /// What this process runs: every module (the default), or one side of a deployment whose Notifications work runs
    /// in a process of its own (docs/adr/0023-notifications-in-its-own-process.md).
    /// </summary>
    public HostRuns Runs { get; set; } = HostRuns.Everything;

    /// <summary>
    /// In a split deployment, how often each process looks at its PostgreSQL queue when nothing woke it: well under a
    /// second, since a push waits for it. Wolverine's own default is 5 s.
    /// </summary>
    public TimeSpan QueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>The shapes of a deployment, by what one process of it runs (<see cref="ChatHostOptions.Runs"/>).</summary>
public enum HostRuns
{
    /// <summary>Every module, talking in process: one host is the whole deployment.</summary>
    Everything,

    /// <summary>
    /// Every module, but Notifications' work (its event handlers and the push dispatcher) is left to a process with
    /// <see cref="Notifications"/>: the events Notifications hears go to it through a PostgreSQL queue, and its
    /// requests come back through another. The host still serves chat.notifications.v1.
    /// </summary>
    EverythingButNotifications,

    /// <summary>Notifications' work alone: its event handlers and the push dispatcher, beside a host with <see cref="EverythingButNotifications"/>.</summary>
    Notifications,
}
