using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;
using Npgsql;
using static ChatMonolith.Modules.Messaging.Tests.Features.DeliveryTests;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>Its own host and database: the test takes the database away.</summary>
public sealed class DatabaseOutageTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_the_database_away_When_a_device_sends_Then_it_is_told_to_try_again_and_the_resend_is_stored_once()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var aliceStream = await DeviceStream.ConnectAsync(host.Channel, alice);
        await using var bobStream = await DeviceStream.ConnectAsync(host.Channel, bob, Cursor(chat, 1));
        await Task.WhenAll(aliceStream.CaughtUpAsync(), bobStream.CaughtUpAsync());
        var clientMsgId = Guid.NewGuid().ToString();

        await SetDatabaseReachableAsync(false);
        try
        {
            await aliceStream.SendTextAsync(chat.ConversationId, "are you there?", clientMsgId);
            var rejected = await aliceStream.RejectedAsync(RequestRejected.Types.Request.Send);
            Assert.Equal((int)StatusCode.Unavailable, rejected.Code);
            Assert.Equal("TRY_AGAIN", rejected.Reason);
            Assert.Equal(clientMsgId, rejected.ClientMsgId);
        }
        finally
        {
            await SetDatabaseReachableAsync(true);
        }

        // The same stream takes the resend; it is stored and delivered once.
        await aliceStream.SendTextAsync(chat.ConversationId, "are you there?", clientMsgId);
        var accepted = (await aliceStream.NextAsync(e => e.SendAccepted is not null)).SendAccepted;
        Assert.Equal(2, accepted.Seq);
        var received = await bobStream.MessagesAsync(chat.ConversationId, 1);
        Assert.Equal(accepted.MessageId, Assert.Single(received).MessageId);
        var history = await host.Channel.Conversations().GetMessagesAsync(
            new GetMessagesRequest { ConversationId = chat.ConversationId, Direction = Direction.After }, bob.Auth);
        Assert.Equal([1L, 2L], history.Messages.Select(m => m.Seq));
    }

    /// <summary>Refuses new connections to the host's database and ends the open ones, or lets them in again.</summary>
    private async Task SetDatabaseReachableAsync(bool reachable)
    {
        var database = new NpgsqlConnectionStringBuilder(host.ConnectionString).Database;
        await using var admin = new NpgsqlConnection(await TestInfrastructure.PostgresAdminAsync());
        await admin.OpenAsync();
        await using var allow = new NpgsqlCommand($"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS {reachable}", admin);
        await allow.ExecuteNonQueryAsync();
        if (!reachable)
        {
            await using var terminate = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid()", admin);
            terminate.Parameters.AddWithValue("database", database!);
            await terminate.ExecuteNonQueryAsync();
        }

        // Pooled connections to the ended backends are dead: the host opens new ones.
        NpgsqlConnection.ClearAllPools();
    }
}
