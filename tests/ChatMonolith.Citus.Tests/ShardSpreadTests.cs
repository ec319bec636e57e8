using ChatMonolith.Testing;
using Npgsql;

namespace ChatMonolith.Citus.Tests;

/// <summary>Messages are distributed by conversation: many conversations put rows on both workers, none on the coordinator.</summary>
[Trait("Tier", "Citus")]
public sealed class ShardSpreadTests(CitusHostFixture host) : IClassFixture<CitusHostFixture>
{
    [Fact]
    public async Task Given_24_direct_chats_When_each_gets_a_message_Then_the_messages_lie_in_shards_on_both_workers()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var others = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => host.Channel.RegisterAndLoginAsync()));
        foreach (var other in others)
        {
            var chat = await host.Channel.OpenDirectChatAsync(alice, other);
            await host.Channel.SendAsync(alice, chat.ConversationId, "hello " + other.Username);
        }

        var total = await host.ScalarAsync<long>("SELECT count(*) FROM messaging.messages");
        var byPort = await RowsByPortAsync("messaging.messages");

        Assert.True(total >= 24, $"{total} messages stored");
        Assert.Equal(total, byPort.Values.Sum());
        Assert.Equal(
            TestInfrastructure.CitusWorkers.Select(w => w.Port).Order(),
            byPort.Where(p => p.Value > 0).Select(p => p.Key).Order());
    }

    /// <summary>The rows of <paramref name="table"/> in each node's shards, by the node's port.</summary>
    private async Task<Dictionary<int, long>> RowsByPortAsync(string table)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT nodeport, sum(result::bigint) FROM run_command_on_placements($1, 'SELECT count(*) FROM %s') GROUP BY nodeport",
            connection)
        {
            Parameters = { new NpgsqlParameter { Value = table } },
        };
        var rows = new Dictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetInt32(0)] = (long)reader.GetDecimal(1);
        }

        return rows;
    }
}
