using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatMonolith.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class TabsTests(WebServer server)
{
    [Fact]
    public async Task Given_a_second_tab_of_the_same_browser_When_it_opens_Then_it_takes_the_stream_and_the_first_offers_use_here_and_gets_it_back()
    {
        await using var first = await server.OpenAsync();
        await using var other = await server.OpenAsync();
        await first.RegisterAsync(ChatPage.NewName("lou"));
        await other.RegisterAsync(ChatPage.NewName("max"));
        await first.OpenDirectChatAsync(other.Username);

        // The same browser (context): the same session, one device, so one stream between the two tabs.
        var second = new ChatPage(await first.Page.Context.NewPageAsync());
        await second.Page.GotoAsync(server.Address);
        await Expect(second.Conversations).ToBeVisibleAsync(ChatPage.Visible);
        var replaced = first.Page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "open in another tab" });
        await Expect(replaced).ToBeVisibleAsync(ChatPage.Visible);

        // The live tab gets what comes; the first takes the stream back with "Use here".
        await other.OpenAsync(first.Username);
        await other.SendAsync("to the newest tab");
        await Expect(second.ChatEntry(other.Username)).ToContainTextAsync("to the newest tab", new() { Timeout = 30_000 });
        await first.Page.GetByRole(AriaRole.Button, new() { Name = "Use here" }).ClickAsync();
        await Expect(replaced).Not.ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(second.Page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "open in another tab" })).ToBeVisibleAsync(ChatPage.Visible);
        await other.SendAsync("back to the first tab");
        await Expect(first.Message("back to the first tab")).ToBeVisibleAsync(ChatPage.Visible);
        await Expect(first.Message("to the newest tab")).ToBeVisibleAsync(ChatPage.Visible);
    }
}
