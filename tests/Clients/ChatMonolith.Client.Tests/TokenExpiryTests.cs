using ChatMonolith.Client;
using Grpc.Core;
using Grpc.Net.Client;
using IdentityWire = ChatMonolith.Protos.Identity.V1;

namespace ChatMonolith.Client.Tests;

/// <summary>A host whose access tokens live three seconds.</summary>
public sealed class ShortTokenServer() : ChatServer([new("Identity:AccessTokenLifetime", "00:00:03")]);

[Collection(SdkCollection.Name)]
public sealed class TokenExpiryTests(ShortTokenServer server) : IClassFixture<ShortTokenServer>
{
    [Fact]
    public async Task Given_an_access_token_that_expires_mid_stream_When_five_calls_fail_together_Then_the_client_refreshes_once_and_carries_on()
    {
        var options = server.Options();
        options.RefreshAhead = TimeSpan.Zero; // only when the server refuses: the five calls below find it expired
        await using var alice = await server.NewUserAsync(options);
        await using var bob = await server.NewUserAsync();
        var chat = await alice.OpenDirectChatAsync(bob.UserId);
        var refreshes = 0;
        alice.SessionRefreshed += (_, _) => Interlocked.Increment(ref refreshes);
        await using var aliceEvents = new EventLog(alice);
        await alice.ConnectAsync();

        // Wait for the server itself to call the token expired.
        var stale = (await options.Store.LoadSessionAsync())!.AccessToken;
        using var channel = GrpcChannel.ForAddress(server.Address);
        var identity = new IdentityWire.IdentityService.IdentityServiceClient(channel);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await identity.ListDevicesAsync(new IdentityWire.ListDevicesRequest(), new Metadata { { "authorization", "Bearer " + stale } });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                break;
            }

            await timer.WaitForNextTickAsync(patience.Token);
        }

        var calls = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => alice.ListConversationsAsync()));
        Assert.All(calls, page => Assert.Contains(page.Conversations, c => c.ConversationId == chat.ConversationId));
        Assert.Equal(1, refreshes);
        Assert.NotEqual(stale, (await options.Store.LoadSessionAsync())!.AccessToken);

        // The stream carried on through it: a message comes in, and a send goes out.
        await bob.SendAsync(chat.ConversationId, "still there?");
        await aliceEvents.WaitForAsync<MessageReceived>(m => m.Message.Text == "still there?", "Bob's message after the refresh");
        Assert.True((await alice.SendAsync(chat.ConversationId, "yes")).Seq > 0);
        Assert.Equal(ConnectionState.Connected, alice.State);
        Assert.Equal(1, refreshes);
    }
}
