using static Microsoft.Playwright.Assertions;

namespace ChatMonolith.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class RestartTests(WebServer server)
{
    [Fact]
    public async Task Given_two_open_chats_When_the_host_dies_and_comes_back_Then_both_reconnect_and_sends_made_meanwhile_go_out_once_in_order()
    {
        await using var a = await server.OpenAsync();
        await using var b = await server.OpenAsync();
        await a.RegisterAsync(ChatPage.NewName("ada"));
        await b.RegisterAsync(ChatPage.NewName("bea"));
        await a.OpenDirectChatAsync(b.Username);
        await a.SendAsync("before the crash");
        await b.OpenAsync(a.Username);
        await Expect(b.Message("before the crash")).ToBeVisibleAsync(ChatPage.Visible);
        var conversationId = await a.Page.Locator("section.chat").GetAttributeAsync("data-conversation");

        await server.KillAsync();
        await Expect(a.Banner).ToContainTextAsync("Offline", new() { Timeout = 60_000 });
        await Expect(b.Banner).ToContainTextAsync("Offline", new() { Timeout = 60_000 });

        // Sent while the host is away: shown as pending, in order.
        await a.SendAsync("while you were away 1");
        await a.SendAsync("while you were away 2");
        await a.ExpectTickAsync("while you were away 1", "Pending");
        await a.ExpectTickAsync("while you were away 2", "Pending");

        await server.RestartAsync();
        await Expect(a.Banner).Not.ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(b.Banner).Not.ToBeVisibleAsync(new() { Timeout = 60_000 });
        await a.ExpectTickAsync("while you were away 2", "Read");
        await Expect(b.Message("while you were away 2")).ToBeVisibleAsync(ChatPage.Visible);

        // Once each, in order, on both screens and in the database.
        string[] expected = ["before the crash", "while you were away 1", "while you were away 2"];
        Assert.Equal(expected, await b.Messages.Locator("li.message .text").AllTextContentsAsync());
        Assert.Equal(expected, await a.Messages.Locator("li.message .text").AllTextContentsAsync());
        Assert.Equal(3, await server.StoredCopiesAsync(conversationId!));
    }
}
