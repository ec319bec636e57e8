using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatMonolith.Web.Tests;

/// <summary>The screens at a phone's width and a desktop's, light and dark: the README's pictures come from here.</summary>
[Collection(WebCollection.Name)]
public sealed class ScreenshotTests(WebServer server)
{
    [Fact]
    public async Task Given_a_conversation_When_seen_on_a_phone_and_a_desktop_Then_the_list_and_the_chat_are_laid_out_for_each()
    {
        await using var ann = await server.OpenAsync();
        await using var ben = await server.OpenAsync(width: 390, height: 844);
        await ann.RegisterAsync(ChatPage.NewName("ann"), "Ann");
        await ben.RegisterAsync(ChatPage.NewName("ben"), "Ben");
        await ann.OpenDirectChatAsync(ben.Username, "Ben");
        await ann.SendAsync("Are we still on for climbing on Saturday?");
        await Expect(ben.ChatEntry("Ann")).ToContainTextAsync("climbing", new() { Timeout = 30_000 });

        // The phone shows the list alone; opening a chat shows it alone, with a way back.
        Directory.CreateDirectory(WebServer.Screenshots);
        await Expect(ben.Page.GetByRole(AriaRole.Main)).Not.ToBeVisibleAsync();
        await SaveAsync(ben.Page, "phone-list.png");
        await ben.OpenAsync("Ann");
        await Expect(ben.Conversations).Not.ToBeVisibleAsync();
        await Expect(ben.Page.GetByRole(AriaRole.Button, new() { Name = "Back to chats" })).ToBeVisibleAsync();
        await ben.SendAsync("Yes! 9 am at the wall?");
        await ann.ExpectTickAsync("Are we still on for climbing on Saturday?", "Read");
        await Expect(ann.Message("Yes! 9 am at the wall?")).ToBeVisibleAsync(ChatPage.Visible);
        await ann.SendAsync("Perfect, see you there!");
        await Expect(ben.Message("Perfect, see you there!")).ToBeVisibleAsync(ChatPage.Visible);
        await ann.ExpectTickAsync("Perfect, see you there!", "Read");
        await SaveAsync(ben.Page, "phone-chat.png");

        // The desktop shows both, side by side.
        await Expect(ann.Conversations).ToBeVisibleAsync();
        await Expect(ann.Page.GetByRole(AriaRole.Button, new() { Name = "Back to chats" })).Not.ToBeVisibleAsync();
        await SaveAsync(ann.Page, "desktop-chat.png");
        await ann.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await SaveAsync(ann.Page, "desktop-chat-dark.png");
    }

    private static async Task SaveAsync(IPage page, string name)
    {
        var path = Path.Combine(WebServer.Screenshots, name);
        var bytes = await page.ScreenshotAsync(new() { Path = path });
        Assert.True(bytes.Length > 10_000, $"{name} is {bytes.Length} bytes: a blank page?");
    }
}
