using ChatMonolith.Testing;
using static Microsoft.Playwright.Assertions;

namespace ChatMonolith.Web.Tests;

/// <summary>A host whose access tokens live 6 s: the app renews them many times within one test.</summary>
public sealed class ShortTokenWebServer() : WebServer([new("Identity:AccessTokenLifetime", "00:00:06")]);

[Collection(WebCollection.Name)]
public sealed class TokenExpiryTests(ShortTokenWebServer server) : IClassFixture<ShortTokenWebServer>
{
    [Fact]
    public async Task Given_access_tokens_that_expire_every_few_seconds_When_two_people_chat_Then_the_app_refreshes_ahead_and_nobody_notices()
    {
        await using var a = await server.OpenAsync();
        await using var b = await server.OpenAsync();
        var refreshes = 0;
        var refreshed = new ChangeSignal();
        a.Page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/chat.identity.v1.IdentityService/Refresh", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref refreshes);
                refreshed.Notify();
            }
        };
        await a.RegisterAsync(ChatPage.NewName("eve"));
        await b.RegisterAsync(ChatPage.NewName("fay"));
        await a.OpenDirectChatAsync(b.Username);

        // Messages across three token lifetimes: each arrives, and the stream is never refused.
        for (var i = 1; i <= 3; i++)
        {
            await a.SendAsync($"round {i}");
            await Expect(b.ChatEntry(a.Username)).ToContainTextAsync($"round {i}", new() { Timeout = 30_000 });
            await a.ExpectTickAsync($"round {i}", "Delivered");
            var seen = Volatile.Read(ref refreshes);
            await refreshed.WaitUntilAsync(() => Volatile.Read(ref refreshes) > seen, TimeSpan.FromSeconds(30), () => "No refresh ahead of expiry in time.");
        }

        await Expect(a.Page.GetByRole(Microsoft.Playwright.AriaRole.Tab, new() { Name = "Log in" })).Not.ToBeVisibleAsync();
        await Expect(a.Banner).Not.ToBeVisibleAsync();
        Assert.InRange(Volatile.Read(ref refreshes), 3, 20);
    }
}
