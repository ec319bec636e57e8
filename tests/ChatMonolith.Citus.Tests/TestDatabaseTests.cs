using ChatMonolith.Testing;
using Npgsql;

namespace ChatMonolith.Citus.Tests;

/// <summary>
/// Test classes start side by side, and each makes its database on every node and registers the workers in it.
/// Registrations at the same moment once failed on a worker ("tuple concurrently updated" on the shared role), which
/// CI showed as "failure on connection marked as essential" in two test classes.
/// </summary>
[Trait("Tier", "Citus")]
public sealed class TestDatabaseTests
{
    [Fact]
    public async Task Given_eight_new_databases_When_each_registers_the_workers_at_the_same_moment_Then_every_one_knows_both_workers()
    {
        var databases = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => TestInfrastructure.CreateOnEveryNodeAsync()));
        try
        {
            await Task.WhenAll(databases.Select(TestInfrastructure.RegisterNodesAsync));
            foreach (var database in databases)
            {
                await using var connection = new NpgsqlConnection(database);
                await connection.OpenAsync();
                await using var workers = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_dist_node WHERE groupid <> 0 AND isactive AND hasmetadata AND metadatasynced", connection);
                Assert.Equal((long)TestInfrastructure.CitusWorkers.Count, await workers.ExecuteScalarAsync());
            }
        }
        finally
        {
            foreach (var database in databases)
            {
                await TestInfrastructure.DropDatabaseAsync(database);
            }
        }
    }
}
