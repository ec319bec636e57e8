using System.Security.Cryptography.X509Certificates;

namespace ChatMonolith.Modules.Notifications.Providers;

/// <summary>The HTTP handler every provider sends through.</summary>
internal static class ProviderHttp
{
    /// <summary>
    /// Follows no redirect: a push service that answers with one gets no request elsewhere (a Web Push endpoint is a
    /// client's URL, checked against the allowed hosts, and a redirect would lead around that check). Trusts the
    /// roots of <see cref="NotificationsOptions.TrustedRootsFile"/> when one is set, else the system's.
    /// </summary>
    public static SocketsHttpHandler Handler(NotificationsOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        if (options.TrustedRootsFile.Length > 0)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.TrustedRootsFile);
            // Revocation as HttpClient checks it by default (not at all): a chain policy of its own would check online.
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        return handler;
    }
}
