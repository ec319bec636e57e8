using System.Threading.Channels;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>
/// MessagesStored is what other modules (receipts, push notifications) hear of stored messages, one event per transaction. What this shows: a module that
/// listens hears of each message, with its recipients, only after the message is committed. That the envelope is
/// written in the send's own transaction (docs/adr/0014) is not visible here: Wolverine sends after the commit either way.
/// </summary>
public sealed class MessageStoredTests(MessageStoredTests.ListeningHost host) : IClassFixture<MessageStoredTests.ListeningHost>
{
    [Fact]
    public async Task Given_a_module_listens_When_messages_are_sent_Then_it_hears_of_each_once_committed_with_its_recipients()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var carol = await host.Channel.RegisterAndLoginAsync();
        var group = await host.Channel.CreateGroupAsync(alice, "outbox", [bob, carol]);

        var first = await host.Channel.SendAsync(alice, group.ConversationId, "hello group");
        var second = await host.Channel.SendAsync(bob, group.ConversationId, "hi alice");

        var heard = new List<MessageStored>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (heard.Count < 2)
        {
            var (stored, committed) = await host.Heard.Reader.ReadAsync(timeout.Token);
            if (stored.ConversationId == Guid.Parse(group.ConversationId))
            {
                // The listener ran only after the send's transaction had committed: it could read the message.
                Assert.True(committed, $"message {stored.Seq} was heard of before it was committed");
                heard.Add(stored);
            }
        }

        heard.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        Assert.Equal([first.Seq, second.Seq], heard.Select(h => h.Seq));
        Assert.Equal([first.MessageId, second.MessageId], heard.Select(h => h.MessageId.ToString()));
        Assert.Equal(("hello group", Guid.Parse(alice.UserId)), (heard[0].Preview, heard[0].SenderId));
        Assert.Equal([bob.UserId, carol.UserId], heard[0].RecipientIds.Select(id => id.ToString()).Order());
        Assert.Equal([alice.UserId, carol.UserId], heard[1].RecipientIds.Select(id => id.ToString()).Order());
    }

    /// <summary>A host with one more module listening to MessagesStored, as Receipts does and the Notifications module will.</summary>
    public sealed class ListeningHost : ChatHostFixture
    {
        public Channel<(MessageStored Stored, bool Committed)> Heard { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<(MessageStored, bool)>();

        // The listener's handler is not among the pre-generated ones: it is compiled when the host starts.
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Wolverine:CodeGeneration", "Auto")];

        protected override void ConfigureServices(IServiceCollection services)
        {
            services.AddSingleton(Heard);
            services.ConfigureWolverine(wolverine => wolverine.Discovery.IncludeType<MessageStoredListener>());
        }
    }

    public sealed class MessageStoredListener
    {
        public static async Task Handle(MessagesStored batch, Channel<(MessageStored, bool)> heard, NpgsqlDataSource database)
        {
            foreach (var stored in batch.Messages)
            {
                await using var query = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM messaging.messages WHERE message_id = $1)");
                query.Parameters.Add(new NpgsqlParameter { Value = stored.MessageId });
                var committed = (bool)(await query.ExecuteScalarAsync())!;
                await heard.Writer.WriteAsync((stored, committed));
            }
        }
    }
}
