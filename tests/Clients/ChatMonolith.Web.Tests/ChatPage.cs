using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatMonolith.Web.Tests;

/// <summary>One person's tab of the app, driven as they would: by labels and roles, as a screen reader names them.</summary>
public sealed class ChatPage(IPage page) : IAsyncDisposable
{
    public const string Password = "correct horse battery";

    public static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 30_000 };

    public IPage Page { get; } = page;

    public string Username { get; private set; } = "";

    public static string NewName(string who) => $"{who}_{Guid.NewGuid().ToString("N")[..10]}";

    public ILocator Conversations => Page.GetByRole(AriaRole.List, new() { Name = "Conversations" });

    public ILocator Messages => Page.GetByRole(AriaRole.List, new() { Name = "Messages" });

    public ILocator Status => Page.Locator("[data-status]");

    public ILocator Banner => Page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex("Offline|Connecting") });

    /// <summary>The list's entry of a chat, by its name.</summary>
    public ILocator ChatEntry(string title) => Conversations.Locator($"button[data-chat=\"{title}\"]");

    /// <summary>A message on screen by its text (its bubble's row).</summary>
    public ILocator Message(string text) => Messages.Locator("li.message").Filter(new() { Has = Page.Locator(".text", new() { HasTextString = text }) });

    public async Task RegisterAsync(string username, string? displayName = null)
    {
        Username = username;
        await Page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Display name").FillAsync(displayName ?? username);
        await Page.GetByLabel("Password").FillAsync(Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account", Exact = true }).ClickAsync();
        await Expect(Conversations).ToBeVisibleAsync(Visible);
    }

    public async Task LoginAsync(string username, string password)
    {
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
    }

    /// <summary>Finds a user by username and opens the direct chat with them (headed by their display name, <paramref name="title"/>, if not their username).</summary>
    public async Task OpenDirectChatAsync(string username, string? title = null)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        await Page.GetByLabel("Find people by username").FillAsync(username);
        await Page.GetByRole(AriaRole.List, new() { Name = "People found" }).GetByRole(AriaRole.Button, new() { Name = $"@{username}" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = title ?? username, Exact = true })).ToBeVisibleAsync(Visible);
    }

    public async Task CreateGroupAsync(string title, params string[] usernames)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "New group" }).ClickAsync();
        await Page.GetByLabel("Group name").FillAsync(title);
        foreach (var username in usernames)
        {
            await Page.GetByLabel("Find people by username").FillAsync(username);
            await Page.GetByRole(AriaRole.List, new() { Name = "People found" }).GetByRole(AriaRole.Button, new() { Name = $"@{username}" }).ClickAsync();
        }

        await Page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true })).ToBeVisibleAsync(Visible);
    }

    /// <summary>Opens a chat from the list.</summary>
    public async Task OpenAsync(string title)
    {
        await Expect(ChatEntry(title)).ToBeVisibleAsync(Visible);
        await ChatEntry(title).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true })).ToBeVisibleAsync(Visible);
    }

    public async Task SendAsync(string text)
    {
        await Page.GetByLabel("Message", new() { Exact = true }).FillAsync(text);
        await Page.GetByLabel("Message", new() { Exact = true }).PressAsync("Enter");
    }

    /// <summary>Waits until the message shows the tick (Pending, Sent, Delivered or Read).</summary>
    public Task ExpectTickAsync(string text, string tick) =>
        Expect(Message(text).GetByLabel(tick, new() { Exact = true })).ToBeVisibleAsync(Visible);

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
