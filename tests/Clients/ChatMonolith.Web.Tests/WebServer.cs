using ChatMonolith.Testing;
using Microsoft.Playwright;

namespace ChatMonolith.Web.Tests;

/// <summary>
/// A real host process serving the built web app (web/dist), reached by Chromium through a proxy of the test's own,
/// so the host can be killed and started again behind the same origin; and one Chromium, Debian's, driven by
/// Playwright. Each user of a test is a browser context of their own.
/// </summary>
public class WebServer : IAsyncLifetime
{
    public static readonly string WebRoot = Path.Combine(HostProcess.RepositoryRoot, "web", "dist");

    /// <summary>Where the tests put their screenshots (git-ignored); the README's come from here.</summary>
    public static readonly string Screenshots = Path.Combine(HostProcess.RepositoryRoot, ".local", "screenshots");

    private readonly OneHost _cluster;
    private IPlaywright? _playwright;

    public WebServer()
        : this([])
    {
    }

    protected WebServer(IEnumerable<KeyValuePair<string, string>> settings) =>
        _cluster = new OneHost([new("Host:WebRoot", WebRoot), .. settings]);

    public IBrowser Browser { get; private set; } = null!;

    public TcpProxy Front { get; private set; } = null!;

    public HostProcess Host => _cluster[0];

    /// <summary>The app's origin, as the browser sees it.</summary>
    public string Address => $"http://127.0.0.1:{Front.Port}";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(WebRoot, "index.html")))
        {
            throw new InvalidOperationException($"The web app is not built at {WebRoot}: run `npm ci && npm run build` in web/ (scripts/test does).");
        }

        await _cluster.InitializeAsync();
        Front = new TcpProxy("127.0.0.1", Host.WebPort);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-extensions", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await Front.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    /// <summary>SIGKILLs the host, then starts it again on the same database; the origin leads to the new one.</summary>
    public async Task KillAsync() => await _cluster.KillAsync(0);

    public async Task RestartAsync()
    {
        await _cluster.RestartAsync(0);
        Front.TargetPort = Host.WebPort;
    }

    public Task<long> StoredCopiesAsync(string conversationId) => _cluster.StoredCopiesAsync(conversationId);

    /// <summary>A new person at the app: a browser context of their own (desktop width unless told), on the app's page.</summary>
    public async Task<ChatPage> OpenAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "en-GB" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Address);
        return new ChatPage(page);
    }

    /// <summary>Debian's chromium, or CHROMIUM_PATH.</summary>
    private static string Chromium =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InvalidOperationException("No chromium at /usr/bin/chromium: scripts/test installs Debian's chromium package; or set CHROMIUM_PATH.");

    private sealed class OneHost(IEnumerable<KeyValuePair<string, string>> settings) : HostCluster
    {
        protected override int Size => 1;

        protected override IEnumerable<KeyValuePair<string, string>> Settings() => settings;
    }
}

/// <summary>
/// The web tests take turns, on one host process and one Chromium (<see cref="WebServer"/>) shared by the classes
/// that need no settings of their own; a class that does (short tokens, Web Push) has a server of its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebCollection : ICollectionFixture<WebServer>
{
    public const string Name = "web app in chromium";
}
