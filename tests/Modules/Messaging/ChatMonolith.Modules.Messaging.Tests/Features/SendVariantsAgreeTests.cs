using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>
/// The send path has two ways of writing a batch: one statement for the whole batch (plain PostgreSQL) and one per
/// conversation (Citus). The same sends, in the same batch, must get the same answers and leave the same log under
/// both: new sends to several conversations, more than a few to one, a twin in the batch, a retry of a send stored
/// earlier, a sender who is no longer a member and a conversation that does not exist.
/// </summary>
public sealed class SendVariantsAgreeTests(SendVariantsAgreeTests.OnPostgres postgres, SendVariantsAgreeTests.OnCitusStatements citus)
    : IClassFixture<SendVariantsAgreeTests.OnPostgres>, IClassFixture<SendVariantsAgreeTests.OnCitusStatements>
{
    private static readonly string[] Expected =
    [
        "answer F: stored in direct at 3",
        "answer P: stored in direct at 2, the earlier message",
        "answer Q: stored in direct at 4",
        "answer R: refused 7 NOT_A_MEMBER",
        "answer U: refused 5 CONVERSATION_NOT_FOUND",
        "answer W: stored in group at 5",
        "answer X: stored in group at 2",
        "answer X: stored in group at 2",
        "answer Y: stored in group at 3",
        "answer Z: stored in group at 4",
        "direct history: 2 P before, 3 F first, 4 Q second",
        "group history: 2 X g1, 3 Y g2, 4 Z g3, 5 W g4",
        "group live to a member: 2, 3, 4, 5",
    ];

    [Fact]
    public async Task Given_the_same_batch_of_sends_When_each_variant_writes_it_Then_both_answer_and_store_the_same()
    {
        var onPostgres = await RunAsync(postgres);
        var onCitus = await RunAsync(citus);

        Assert.Equal(onPostgres, onCitus);
        Assert.Equal(Expected, onPostgres);
    }

    /// <summary>
    /// Holds the direct chat's row while its first send waits in a batch, queues the rest on one stream behind it, then
    /// lets go: with one writer, they are written together in the next batch. Returns what came of it, in words.
    /// </summary>
    private static async Task<List<string>> RunAsync(ChatHostFixture host)
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var carol = await host.Channel.RegisterAndLoginAsync();
        var direct = await host.Channel.OpenDirectChatAsync(alice, bob);
        var group = await host.Channel.CreateGroupAsync(alice, "agree", [bob, carol]);
        var left = await host.Channel.CreateGroupAsync(carol, "without alice", [alice]);
        await host.Channel.Conversations().RemoveMemberAsync(
            new RemoveMemberRequest { ConversationId = left.ConversationId, UserId = alice.UserId }, carol.Auth);
        var labels = new Dictionary<string, string>();
        string Id(string label) => labels.FirstOrDefault(l => l.Value == label).Key ?? Add(label);
        string Add(string label)
        {
            var id = Guid.NewGuid().ToString();
            labels[id] = label;
            return id;
        }

        var earlier = await host.Channel.SendAsync(alice, direct.ConversationId, "before", Id("P"));
        await using var phone = await DeviceStream.ConnectAsync(host.Channel, alice,
            new ConversationCursor { ConversationId = direct.ConversationId, Seq = 2 }, new ConversationCursor { ConversationId = group.ConversationId, Seq = 1 });
        await using var carolsPhone = await DeviceStream.ConnectAsync(host.Channel, carol, new ConversationCursor { ConversationId = group.ConversationId, Seq = 1 });
        await Task.WhenAll(phone.CaughtUpAsync(), carolsPhone.CaughtUpAsync());

        await using var held = await HeldConversation.HoldAsync(host.ConnectionString, direct.ConversationId);

        await phone.SendTextAsync(direct.ConversationId, "first", Id("F"));
        await host.WaitForALockWaiterAsync();
        (string Conversation, string Text, string Label)[] queued =
        [
            (group.ConversationId, "g1", "X"), (group.ConversationId, "g2", "Y"), (group.ConversationId, "g1", "X"),
            (direct.ConversationId, "before", "P"), (group.ConversationId, "g3", "Z"), (group.ConversationId, "g4", "W"),
            (left.ConversationId, "let me back", "R"), (Guid.NewGuid().ToString(), "nobody", "U"), (direct.ConversationId, "second", "Q"),
        ];
        foreach (var (conversation, text, label) in queued)
        {
            await phone.SendTextAsync(conversation, text, Id(label));
        }

        // The stream queues its sends in order: once an invalid request after them is answered, all are queued. (Not
        // an invalid send: a send's refusal waits for the answers of the sends before it.)
        await phone.SendAsync(new ClientEvent { MarkRead = new MarkReadRequest { ConversationId = "not a conversation id", Seq = 1 } });
        await phone.RejectedAsync(RequestRejected.Types.Request.MarkRead);
        await held.ReleaseAsync();

        var conversationNames = new Dictionary<string, string> { [direct.ConversationId] = "direct", [group.ConversationId] = "group" };
        var said = new List<string>();
        while (said.Count < queued.Length + 1)
        {
            var answer = await phone.NextAsync(e => e.SendAccepted is not null || (e.Rejected is { } r && labels.ContainsKey(r.ClientMsgId)));
            said.Add(answer.SendAccepted is { } ack
                ? $"answer {labels[ack.ClientMsgId]}: stored in {conversationNames[ack.ConversationId]} at {ack.Seq}"
                    + (ack.MessageId == earlier.MessageId ? ", the earlier message" : "")
                : $"answer {labels[answer.Rejected.ClientMsgId]}: refused {answer.Rejected.Code} {answer.Rejected.Reason}");
        }

        said.Sort(StringComparer.Ordinal);
        foreach (var (conversation, name) in conversationNames)
        {
            var history = await host.Channel.Conversations().GetMessagesAsync(
                new GetMessagesRequest { ConversationId = conversation, Direction = Direction.After, AnchorSeq = 1, PageSize = 20 }, alice.Auth);
            said.Add($"{name} history: " + string.Join(", ", history.Messages.Select(m => $"{m.Seq} {labels[m.ClientMsgId]} {m.Text}")));
        }

        var live = await carolsPhone.MessagesAsync(group.ConversationId, 4);
        said.Add("group live to a member: " + string.Join(", ", live.Select(m => m.Seq)));
        return said;
    }

    /// <summary>
    /// One writer, so that every send queued behind the held row goes into the same batch. On a Citus cluster (the
    /// Citus tier) only the per-conversation statements can run, so both fixtures write them there, and the test shows
    /// that they answer as the plain PostgreSQL tier's do.
    /// </summary>
    public sealed class OnPostgres : ChatHostFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Messaging:SendWriters", "1"), new("Messaging:Database", TestInfrastructure.CitusWorkers.Count > 0 ? "Citus" : "PostgreSql")];
    }

    /// <summary>The same, writing its statements as on Citus (see <see cref="CitusStatementsFixture"/>).</summary>
    public sealed class OnCitusStatements : ChatHostFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Messaging:SendWriters", "1"), new("Messaging:Database", "Citus")];
    }
}
