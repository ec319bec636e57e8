using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.FileProviders;

namespace ChatMonolith.Host.Composition;

/// <summary>
/// The browser app's files on the web endpoint: hashed assets cached for a year, <c>index.html</c> never cached
/// and sent with a Content-Security-Policy that allows the app's own origin alone, Brotli or gzip where the browser
/// takes it (docs/adr/0025).
/// </summary>
internal static class WebApp
{
    /// <summary>Scripts, styles and calls from this origin only; no inline code, no frames, no plugins.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "font-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string ImmutableAssets = "/assets";

    public static void AddWebApp(this IServiceCollection services) =>
        services.AddResponseCompression(compression =>
        {
            // The app's files are public and hold no secret, so compressing them over TLS leaks nothing (BREACH needs a
            // secret reflected beside attacker input); gRPC-Web answers are never compressed here (their own framing).
            compression.EnableForHttps = true;
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
            compression.MimeTypes = ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/manifest+json", "application/json"];
        });

    /// <param name="webRoot">The built app (web/dist); empty for the host's own wwwroot, a page that says how to build it.</param>
    public static void UseWebApp(this WebApplication app, string webRoot)
    {
        app.UseWhen(
            context => context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true,
            branch => branch.UseResponseCompression());
        var files = string.IsNullOrEmpty(webRoot) ? app.Environment.WebRootFileProvider : new PhysicalFileProvider(Path.GetFullPath(webRoot));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = context.Context.Request.Path.StartsWithSegments(ImmutableAssets, StringComparison.Ordinal)
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
                if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers["Referrer-Policy"] = "no-referrer";
                    headers.XFrameOptions = "DENY";
                }
            },
        });
    }
}
