using System.Text.Json;
using ChatMonolith.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatMonolith.Web.Tests;

/// <summary>A host that pushes through Web Push (VAPID keys of the test's own).</summary>
public sealed class WebPushServer() : WebServer(Settings())
{
    public static readonly (string PublicKey, string PrivateKey) Vapid = WebPushSubscriptions.VapidKeys();

    private static KeyValuePair<string, string>[] Settings() =>
    [
        new("Notifications:WebPush:VapidPublicKey", Vapid.PublicKey),
        new("Notifications:WebPush:VapidPrivateKey", Vapid.PrivateKey),
        new("Notifications:WebPush:Subject", "mailto:ops@example.com"),
    ];
}

/// <summary>
/// The app's service worker, given pushes as the browser's push service would hand them over (Chromium's DevTools
/// protocol delivers them; this machine reaches no real push service, so the subscription itself is not made here).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class WebPushTests(WebPushServer server) : IClassFixture<WebPushServer>
{
    [Fact]
    public async Task Given_the_service_worker_When_a_push_comes_and_then_its_clear_Then_a_notification_shows_for_the_chat_and_then_closes()
    {
        await using var a = await server.OpenAsync();
        await a.Page.Context.GrantPermissionsAsync(["notifications"], new() { Origin = server.Address });
        await a.RegisterAsync(ChatPage.NewName("ivy"));
        await Expect(a.Page.GetByRole(AriaRole.Button, new() { Name = "Notifications off" })).ToBeVisibleAsync(ChatPage.Visible);
        var scope = await a.Page.EvaluateAsync<string>("async () => (await navigator.serviceWorker.ready).scope");
        Assert.Equal(server.Address + "/", scope);

        // The push arrives while the app's only tab is elsewhere (no stream: the case the server pushes in).
        var cdp = await a.Page.Context.NewCDPSessionAsync(a.Page);
        var registrationId = await RegistrationIdAsync(cdp);
        var conversationId = Guid.NewGuid().ToString();
        await a.Page.GotoAsync(server.Address + "/healthz");
        await cdp.SendAsync("ServiceWorker.deliverPushMessage", new Dictionary<string, object>
        {
            ["origin"] = server.Address,
            ["registrationId"] = registrationId,
            ["data"] = JsonSerializer.Serialize(new { type = "message", conversation_id = conversationId, seq = 7, unread = 2, badge = 2, title = "Climbing", body = "amy: Saturday, 9 am?" }),
        });
        await WaitForNotificationsAsync(a.Page, conversationId, 1);
        var shown = await a.Page.EvaluateAsync<string[][]>(
            "async () => (await (await navigator.serviceWorker.getRegistration()).getNotifications()).map(n => [n.title, n.body, n.tag, n.data.conversationId])");
        Assert.Equal([["Climbing", "amy: Saturday, 9 am?", conversationId, conversationId]], shown);

        // Read on another device: the clear closes it.
        await cdp.SendAsync("ServiceWorker.deliverPushMessage", new Dictionary<string, object>
        {
            ["origin"] = server.Address,
            ["registrationId"] = registrationId,
            ["data"] = JsonSerializer.Serialize(new { type = "clear", conversation_id = conversationId, seq = 7, unread = 0, badge = 0 }),
        });
        await WaitForNotificationsAsync(a.Page, conversationId, 0);
    }

    [Fact]
    public async Task Given_an_address_naming_a_chat_When_the_app_opens_Then_that_chat_is_open()
    {
        await using var a = await server.OpenAsync();
        await using var b = await server.OpenAsync();
        await a.RegisterAsync(ChatPage.NewName("jo"));
        await b.RegisterAsync(ChatPage.NewName("kim"));
        await a.OpenDirectChatAsync(b.Username);
        await a.SendAsync("open me from a notification");
        await Expect(b.ChatEntry(a.Username)).ToBeVisibleAsync(ChatPage.Visible);
        var conversationId = await a.Page.Locator("section.chat").GetAttributeAsync("data-conversation");

        // What a notification's click opens.
        await b.Page.GotoAsync($"{server.Address}/#chat={conversationId}");
        await Expect(b.Page.GetByRole(AriaRole.Heading, new() { Name = a.Username, Exact = true })).ToBeVisibleAsync(ChatPage.Visible);
        await Expect(b.Message("open me from a notification")).ToBeVisibleAsync(ChatPage.Visible);
    }

    /// <summary>The app's service worker registration, as DevTools numbers it.</summary>
    private static async Task<string> RegistrationIdAsync(ICDPSession cdp)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        cdp.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, e) =>
        {
            foreach (var registration in e!.Value.GetProperty("registrations").EnumerateArray())
            {
                if (!registration.GetProperty("isDeleted").GetBoolean())
                {
                    found.TrySetResult(registration.GetProperty("registrationId").GetString()!);
                }
            }
        };
        await cdp.SendAsync("ServiceWorker.enable");
        return await found.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits until the service worker shows <paramref name="count"/> notifications for the chat (no event says so: <see cref="Poll"/>).</summary>
    private static Task WaitForNotificationsAsync(IPage page, string tag, int count)
    {
        Task<int> ShownAsync() => page.EvaluateAsync<int>("async tag => (await (await navigator.serviceWorker.getRegistration()).getNotifications({ tag })).length", tag);
        return Poll.UntilAsync(
            async () => await ShownAsync() == count,
            TimeSpan.FromSeconds(30),
            async () => $"{await ShownAsync()} notifications for {tag}, not {count}, in time");
    }
}
