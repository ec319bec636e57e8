using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatMonolith.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class TwoUsersTests(WebServer server)
{
    [Fact]
    public async Task Given_two_people_in_two_browsers_When_A_finds_B_and_sends_Then_B_sees_it_live_and_A_sees_delivered_then_read_and_B_typing()
    {
        await using var a = await server.OpenAsync();
        await using var b = await server.OpenAsync();
        await a.RegisterAsync(ChatPage.NewName("ann"));
        await b.RegisterAsync(ChatPage.NewName("ben"));

        await a.OpenDirectChatAsync(b.Username);
        await a.SendAsync("Hello Ben!");

        // B's list shows it live: the chat, its preview, one unread, and A online.
        await Expect(b.ChatEntry(a.Username)).ToContainTextAsync("Hello Ben!", new() { Timeout = 30_000 });
        await Expect(b.ChatEntry(a.Username).GetByLabel("1 unread")).ToBeVisibleAsync(ChatPage.Visible);

        // B's tab acked delivery by itself; A sees it, and then read once B opens the chat.
        await a.ExpectTickAsync("Hello Ben!", "Delivered");
        await b.OpenAsync(a.Username);
        await Expect(b.Message("Hello Ben!")).ToBeVisibleAsync(ChatPage.Visible);
        await a.ExpectTickAsync("Hello Ben!", "Read");
        await Expect(b.ChatEntry(a.Username).GetByLabel("1 unread")).Not.ToBeVisibleAsync();

        // Presence and typing in A's header.
        await Expect(a.Status).ToHaveTextAsync("online", new() { Timeout = 30_000 });
        await b.Page.GetByLabel("Message", new() { Exact = true }).PressSequentiallyAsync("Hi An");
        await Expect(a.Status).ToHaveTextAsync("typing…", new() { Timeout = 30_000 });
        await b.Page.GetByLabel("Message", new() { Exact = true }).PressAsync("Enter");
        await Expect(a.Message("Hi An")).ToBeVisibleAsync(ChatPage.Visible);
        await Expect(a.Status).ToHaveTextAsync("online", new() { Timeout = 30_000 });

        // B leaves: A sees a last seen.
        await b.Page.CloseAsync();
        await Expect(a.Status).ToContainTextAsync("last seen", new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task Given_a_wrong_password_or_a_taken_username_When_submitted_Then_the_reason_is_shown_in_words()
    {
        await using var a = await server.OpenAsync();
        await a.RegisterAsync(ChatPage.NewName("cat"));
        await using var b = await server.OpenAsync();

        await b.LoginAsync(a.Username, "not the password");
        await Expect(b.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong username or password.", new() { Timeout = 30_000 });

        await b.Page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();
        await b.Page.GetByLabel("Username").FillAsync(a.Username);
        await b.Page.GetByLabel("Password").FillAsync(ChatPage.Password);
        await b.Page.GetByRole(AriaRole.Button, new() { Name = "Create account", Exact = true }).ClickAsync();
        await Expect(b.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That username is taken. Try another.", new() { Timeout = 30_000 });

        // The right password then gets in.
        await b.Page.GetByRole(AriaRole.Tab, new() { Name = "Log in" }).ClickAsync();
        await b.LoginAsync(a.Username, ChatPage.Password);
        await Expect(b.Conversations).ToBeVisibleAsync(ChatPage.Visible);
    }
}
