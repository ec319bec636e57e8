using ChatMonolith.Testing;
using Npgsql;

namespace ChatMonolith.Citus.Tests;

/// <summary>
/// A host on the Citus cluster of <c>scripts/services up citus</c>, whose own sessions count their distributed
/// queries (<c>citus.enable_stat_counters</c>): <see cref="CountersAsync"/> says how many ran on one shard and how many
/// on several. Its sessions may not use intermediate results (<c>citus.max_intermediate_result_size = 0</c>): a
/// statement that Citus splits into subplans, or an INSERT ... SELECT it pulls through the coordinator, fails. Refuses
/// to start on plain PostgreSQL, so that these tests can never pass where they prove nothing.
/// </summary>
public sealed class CitusHostFixture : ChatHostFixture
{
    public CitusHostFixture()
    {
        if (TestInfrastructure.CitusWorkers.Count == 0)
        {
            throw new InvalidOperationException(
                "These tests need a Citus cluster: eval \"$(scripts/services env citus)\" after scripts/services up citus.");
        }
    }

    /// <summary>The host's connection string, with Citus counting what its sessions run and refusing intermediate results.</summary>
    public string CountedConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString)
    {
        Options = "-c citus.enable_stat_counters=on -c citus.max_intermediate_result_size=0",
    }.ConnectionString;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("ConnectionStrings:Postgres", CountedConnectionString),
        // The push dispatcher's look for pushes that other processes left reads every shard, by design, on a timer: it
        // would count in whichever operation it overlapped. Woken by the pushes this host decides, it still runs.
        new("Notifications:DispatchInterval", "01:00:00"),
    ];

    /// <summary>
    /// Until Wolverine has handled every envelope in its inbox and outbox: what a commit handed on after the caller had
    /// its answer (a send batch's MessagesStored, docs/adr/0022, and what that leads to) has run.
    /// </summary>
    public Task WolverineIdleAsync() => DatabaseState.UntilAsync(
        async () => await ScalarAsync<long>(UnhandledEnvelopes) == 0,
        TimeSpan.FromSeconds(30),
        async () => $"{await ScalarAsync<long>(UnhandledEnvelopes)} envelopes were never handled");

    private const string UnhandledEnvelopes = """
        SELECT (SELECT count(*) FROM wolverine.wolverine_incoming_envelopes WHERE status <> 'Handled')
             + (SELECT count(*) FROM wolverine.wolverine_outgoing_envelopes)
        """;

    /// <summary>How many distributed queries the counted sessions of this database ran, on one shard and on several.</summary>
    public async Task<ShardCounters> CountersAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT query_execution_single_shard, query_execution_multi_shard FROM citus_stat_counters WHERE name = current_database()",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "citus_stat_counters has no row for this database");
        return new ShardCounters(reader.GetInt64(0), reader.GetInt64(1));
    }
}

/// <summary>Counts of distributed query executions, as Citus keeps them per database.</summary>
public sealed record ShardCounters(long SingleShard, long MultiShard)
{
    public static ShardCounters operator -(ShardCounters after, ShardCounters before) =>
        new(after.SingleShard - before.SingleShard, after.MultiShard - before.MultiShard);
}
