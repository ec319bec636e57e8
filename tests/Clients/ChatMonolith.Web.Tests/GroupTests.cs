using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatMonolith.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class GroupTests(WebServer server)
{
    [Fact]
    public async Task Given_a_group_of_three_When_one_member_reads_and_then_the_other_Then_the_tick_follows_the_slowest_and_message_info_lists_the_readers()
    {
        await using var a = await server.OpenAsync();
        await using var b = await server.OpenAsync();
        await using var c = await server.OpenAsync();
        await a.RegisterAsync(ChatPage.NewName("amy"));
        await b.RegisterAsync(ChatPage.NewName("bob"));
        await c.RegisterAsync(ChatPage.NewName("cid"));

        await a.CreateGroupAsync("Climbing", b.Username, c.Username);
        await a.SendAsync("Saturday, 9 am?");

        // Both tabs have it (delivered to all); B reads; the tick waits for C.
        await a.ExpectTickAsync("Saturday, 9 am?", "Delivered");
        await b.OpenAsync("Climbing");
        await Expect(b.Message("Saturday, 9 am?")).ToBeVisibleAsync(ChatPage.Visible);
        await OpenInfoAsync(a, "Saturday, 9 am?");
        await Expect(a.Page.GetByRole(AriaRole.List, new() { Name = "Read by" })).ToContainTextAsync(b.Username, new() { Timeout = 30_000 });
        await Expect(a.Page.GetByRole(AriaRole.List, new() { Name = "Delivered to" })).ToContainTextAsync(c.Username);
        await a.Page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(a.Message("Saturday, 9 am?").GetByLabel("Delivered", new() { Exact = true })).ToBeVisibleAsync();

        await c.OpenAsync("Climbing");
        await a.ExpectTickAsync("Saturday, 9 am?", "Read");
        await OpenInfoAsync(a, "Saturday, 9 am?");
        await Expect(a.Page.GetByRole(AriaRole.List, new() { Name = "Read by" })).ToContainTextAsync(c.Username, new() { Timeout = 30_000 });
        await Expect(a.Page.GetByRole(AriaRole.List, new() { Name = "Read by" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await a.Page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // The group's life: renamed by its admin, and a member leaves.
        await a.Page.GetByRole(AriaRole.Button, new() { Name = "Group info" }).ClickAsync();
        await a.Page.GetByRole(AriaRole.Dialog).GetByLabel("Group name").FillAsync("Bouldering");
        await a.Page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await a.Page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(b.Page.GetByRole(AriaRole.Heading, new() { Name = "Bouldering", Exact = true })).ToBeVisibleAsync(ChatPage.Visible);
        await c.Page.GetByRole(AriaRole.Button, new() { Name = "Group info" }).ClickAsync();
        await c.Page.GetByRole(AriaRole.Button, new() { Name = "Leave group" }).ClickAsync();
        await Expect(a.Messages).ToContainTextAsync($"{c.Username} left", new() { Timeout = 30_000 });
        await Expect(c.Page.GetByText("You are no longer a member of this group.")).ToBeVisibleAsync(ChatPage.Visible);
    }

    private static async Task OpenInfoAsync(ChatPage page, string text)
    {
        await page.Message(text).GetByRole(AriaRole.Button, new() { Name = "Message info" }).ClickAsync();
        await Expect(page.Page.GetByRole(AriaRole.Dialog, new() { Name = "Message info" })).ToBeVisibleAsync(ChatPage.Visible);
    }
}
