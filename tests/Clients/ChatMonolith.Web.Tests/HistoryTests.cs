using ChatMonolith.Testing;
using static Microsoft.Playwright.Assertions;

namespace ChatMonolith.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class HistoryTests(WebServer server)
{
    [Fact]
    public async Task Given_200_earlier_messages_When_B_scrolls_up_page_by_page_Then_every_one_is_on_screen_once_with_no_gap()
    {
        var ann = await server.Host.Channel.RegisterAndLoginAsync(IdentityTestClient.UniqueUsername("ann"));
        var ben = await server.Host.Channel.RegisterAndLoginAsync(IdentityTestClient.UniqueUsername("ben"));
        var chat = await server.Host.Channel.OpenDirectChatAsync(ann, ben);
        for (var i = 1; i <= 200; i++)
        {
            await server.Host.Channel.SendAsync(ann, chat.ConversationId, $"message {i}");
        }

        await using var b = await server.OpenAsync(width: 800, height: 700);
        await b.LoginAsync(ben.Username, ben.Password);
        await b.OpenAsync(ann.Username);
        await Expect(b.Message("message 200")).ToBeVisibleAsync(ChatPage.Visible);

        // Each scroll to the top brings the page before; the view stays where it was.
        var rows = b.Messages.Locator("li[data-seq]");
        var pages = 0;
        while (await rows.CountAsync() < 201)
        {
            var before = await rows.CountAsync();
            await b.Messages.EvaluateAsync("list => list.scrollTop = 0");
            try
            {
                await b.Page.WaitForFunctionAsync(
                    "n => document.querySelectorAll('[aria-label=Messages] li[data-seq]').length > n",
                    before,
                    new() { Timeout = 30_000 });
            }
            catch (TimeoutException)
            {
                var state = await b.Messages.EvaluateAsync<string>("l => `top ${l.scrollTop} height ${l.scrollHeight} client ${l.clientHeight} rows ${l.querySelectorAll('li[data-seq]').length} first ${l.querySelector('li')?.textContent}`");
                throw new TimeoutException($"No older page after a scroll to the top, page {pages + 1}: {state}");
            }
            pages++;
        }

        Assert.InRange(pages, 3, 5); // 50 a page
        var seqs = (await rows.EvaluateAllAsync<long[]>("rows => rows.map(r => Number(r.dataset.seq))")).ToList();
        Assert.Equal(Enumerable.Range(1, 201).Select(i => (long)i), seqs);
        var texts = await b.Messages.Locator("li.message .text").AllTextContentsAsync();
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"message {i}"), texts);
        await Expect(b.Page.GetByText("Scroll up for older messages")).Not.ToBeVisibleAsync();
    }
}
