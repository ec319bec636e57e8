using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ChatMonolith.Host.Composition;

/// <summary>The listeners; after start they carry the ports actually bound (useful when 0 was asked for).</summary>
public sealed class HostEndpoints
{
    internal ListenOptions? Grpc { get; set; }

    internal ListenOptions? Web { get; set; }

    internal bool WebUsesTls { get; set; }

    internal ListenOptions? Metrics { get; set; }

    /// <summary>Where native gRPC clients connect.</summary>
    public Uri GrpcAddress => Address(Grpc, tls: false);

    /// <summary>Where gRPC-Web clients and browsers connect.</summary>
    public Uri WebAddress => Address(Web, WebUsesTls);

    /// <summary>Where Prometheus scrapes <c>/metrics</c>; null when metrics are off.</summary>
    public Uri? MetricsAddress => Metrics is null ? null : Address(Metrics, tls: false);

    internal int? MetricsPort => (Metrics?.EndPoint as IPEndPoint)?.Port;

    private static Uri Address(ListenOptions? listener, bool tls) =>
        listener?.EndPoint is IPEndPoint endpoint
            ? new Uri($"{(tls ? "https" : "http")}://{endpoint}")
            : throw new InvalidOperationException("The host has not been configured to listen yet.");
}
