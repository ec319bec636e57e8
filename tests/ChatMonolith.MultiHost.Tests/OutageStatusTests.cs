using System.Diagnostics;
using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Protos.Receipts.V1;
using ChatMonolith.Testing;
using Google.Rpc;
using Grpc.Core;

namespace ChatMonolith.MultiHost.Tests;

public sealed class OneHost : HostCluster
{
    protected override int Size => 1;
}

/// <summary>
/// With PostgreSQL away, every call answers at once and says so: UNAVAILABLE with RetryInfo (or, for what needs no
/// database, OK), never INTERNAL or UNKNOWN, and the host serves again when it is back. With Redis away, every call
/// answers within a second, served without it (degraded) or UNAVAILABLE.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class OutageStatusTests(OneHost hosts) : IClassFixture<OneHost>
{
    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("Redis")]
    public async Task Given_a_store_away_When_every_call_is_made_Then_each_answers_at_once_OK_or_UNAVAILABLE_with_RetryInfo(string store)
    {
        var proxy = store == "Redis" ? hosts.Redis : hosts.Postgres;
        var channel = hosts[0].Channel;
        var alice = await channel.RegisterAndLoginAsync();
        var bob = await channel.RegisterAndLoginAsync();
        var chat = await channel.OpenDirectChatAsync(alice, bob);
        var group = await channel.CreateGroupAsync(alice, "group", [bob]);
        var sent = await channel.SendAsync(alice, chat.ConversationId, "before the outage");
        // Both tokens have been checked once, so authentication itself needs no database from here on.
        var identity = channel.Identity();
        var conversations = channel.Conversations();
        var streams = channel.Streams();
        var receipts = channel.Receipts();
        var presence = channel.Presence();

        var calls = new (string Name, bool NeedsDatabase, Func<Task> Call)[]
        {
            ("Register", true, () => identity.RegisterAsync(new RegisterRequest { Username = IdentityTestClient.UniqueUsername(), DisplayName = "x", Password = IdentityTestClient.Password }).ResponseAsync),
            ("Login", true, () => identity.LoginAsync(new LoginRequest { Username = alice.Username, Password = IdentityTestClient.Password, DeviceName = "d", Platform = Platform.Android }).ResponseAsync),
            ("Refresh", true, () => identity.RefreshAsync(new RefreshRequest { RefreshToken = bob.Tokens.RefreshToken }).ResponseAsync),
            ("ListDevices", true, () => identity.ListDevicesAsync(new ListDevicesRequest(), alice.Auth).ResponseAsync),
            ("GetProfile", true, () => identity.GetProfileAsync(new GetProfileRequest { UserId = bob.UserId }, alice.Auth).ResponseAsync),
            ("SearchUsers", true, () => identity.SearchUsersAsync(new SearchUsersRequest { Prefix = "us" }, alice.Auth).ResponseAsync),
            ("OpenDirectChat", true, () => conversations.OpenDirectChatAsync(new OpenDirectChatRequest { UserId = bob.UserId }, alice.Auth).ResponseAsync),
            ("CreateGroup", true, () => conversations.CreateGroupAsync(new CreateGroupRequest { Title = "t", MemberIds = { bob.UserId } }, alice.Auth).ResponseAsync),
            ("RenameGroup", true, () => conversations.RenameGroupAsync(new RenameGroupRequest { ConversationId = group.ConversationId, Title = "u" }, alice.Auth).ResponseAsync),
            ("GetConversation", true, () => conversations.GetConversationAsync(new GetConversationRequest { ConversationId = chat.ConversationId }, alice.Auth).ResponseAsync),
            ("ListConversations", true, () => conversations.ListConversationsAsync(new ListConversationsRequest(), alice.Auth).ResponseAsync),
            ("GetMessages", true, () => conversations.GetMessagesAsync(new GetMessagesRequest { ConversationId = chat.ConversationId, Direction = Direction.Before }, alice.Auth).ResponseAsync),
            ("Sync", true, () => conversations.SyncAsync(new SyncRequest(), alice.Auth).ResponseAsync),
            ("SendMessage", true, () => streams.SendMessageAsync(new SendMessageRequest { ConversationId = chat.ConversationId, ClientMsgId = Guid.NewGuid().ToString(), Text = "t" }, alice.Auth).ResponseAsync),
            ("MarkRead", true, () => streams.MarkReadAsync(new MarkReadRequest { ConversationId = chat.ConversationId, Seq = sent.Seq }, bob.Auth).ResponseAsync),
            ("GetMessageInfo", true, () => receipts.GetMessageInfoAsync(new GetMessageInfoRequest { ConversationId = chat.ConversationId, Seq = sent.Seq }, alice.Auth).ResponseAsync),
            ("GetReceiptSettings", true, () => receipts.GetReceiptSettingsAsync(new GetReceiptSettingsRequest(), alice.Auth).ResponseAsync),
            ("GetPresenceSettings", false, () => presence.GetPresenceSettingsAsync(new GetPresenceSettingsRequest(), alice.Auth).ResponseAsync),
            ("Heartbeat", false, () => presence.HeartbeatAsync(new HeartbeatRequest(), alice.Auth).ResponseAsync),
        };

        var wrong = new List<string>();
        await proxy.CutAsync();
        try
        {
            foreach (var (name, needsDatabase, call) in calls)
            {
                var took = Stopwatch.StartNew();
                try
                {
                    await call();
                    if (needsDatabase && store == "PostgreSQL")
                    {
                        wrong.Add($"{name}: OK without its database");
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && e.GetRpcStatus()?.GetDetail<RetryInfo>() is not null)
                {
                }
                catch (RpcException e)
                {
                    wrong.Add($"{name}: {e.StatusCode} {e.Status.Detail}");
                }

                // Redis away answers within a second (its commands fail fast); PostgreSQL's connection attempts take longer.
                if (took.Elapsed > (store == "Redis" ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(3)))
                {
                    wrong.Add($"{name}: took {took.Elapsed.TotalSeconds:0.0} s");
                }
            }
        }
        finally
        {
            proxy.Resume();
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        await DatabaseState.UntilAsync(async () =>
        {
            try
            {
                await conversations.GetConversationAsync(new GetConversationRequest { ConversationId = chat.ConversationId }, alice.Auth);
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), () => Task.FromResult("the host did not serve again after PostgreSQL came back"));
    }
}
