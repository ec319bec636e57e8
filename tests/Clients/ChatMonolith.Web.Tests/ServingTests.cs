using System.Net;
using System.Text.RegularExpressions;

namespace ChatMonolith.Web.Tests;

/// <summary>How the host serves the app's files: caching, the Content-Security-Policy, compression.</summary>
[Collection(WebCollection.Name)]
public sealed partial class ServingTests(WebServer server)
{
    [Fact]
    public async Task Given_the_app_When_its_page_and_assets_are_fetched_Then_the_page_is_never_cached_and_has_a_strict_CSP_and_assets_are_immutable_and_compressed()
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = new Uri(server.Address) };

        using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.True(page.Headers.CacheControl?.NoCache, page.Headers.CacheControl?.ToString());
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());

        // The page names its hashed assets; no inline script that the policy would have to allow.
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(InlineScript(), html);
        var script = AssetPath().Match(html).Value;
        Assert.Matches(@"^/assets/main-[A-Z0-9]+\.js$", script);

        foreach (var (encoding, name) in new[] { ("br", "br"), ("gzip", "gzip") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, script);
            request.Headers.AcceptEncoding.ParseAdd(encoding);
            using var asset = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(name, Assert.Single(asset.Content.Headers.ContentEncoding));
            Assert.Equal(TimeSpan.FromDays(365), asset.Headers.CacheControl?.MaxAge);
            Assert.Contains("immutable", asset.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
            Assert.True(asset.Headers.CacheControl?.Public);
        }

        using var plain = await http.GetAsync(new Uri(script, UriKind.Relative));
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal("text/javascript", plain.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex(@"/assets/main-[A-Za-z0-9]+\.js")]
    private static partial Regex AssetPath();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>")]
    private static partial Regex InlineScript();
}
