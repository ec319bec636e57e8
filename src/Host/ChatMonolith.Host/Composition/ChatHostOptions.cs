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

    /// <summary>Browser origins allowed to call gRPC-Web, comma separated; empty allows none but same-origin.</summary>
    public string CorsOrigins { get; set; } = "";
}
