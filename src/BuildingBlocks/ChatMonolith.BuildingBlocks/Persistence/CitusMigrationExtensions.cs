using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Makes a table distributed (or a reference table) when the database runs Citus, and does nothing on plain
/// PostgreSQL. Every migration calls these for its tables, so one migration serves a laptop and a cluster.
/// </summary>
public static class CitusMigrationExtensions
{
    /// <summary>Distributes <paramref name="table"/> by <paramref name="column"/>, co-located with <paramref name="colocateWith"/> when given.</summary>
    public static void DistributeTableWhenCitus(
        this MigrationBuilder migration, string table, string column, string? colocateWith = null)
    {
        var colocation = colocateWith is null ? "'default'" : $"'{colocateWith}'";
        migration.Sql(WhenCitus($"PERFORM create_distributed_table('{table}', '{column}', colocate_with => {colocation});"));
    }

    /// <summary>Replicates a small, rarely written <paramref name="table"/> to every node.</summary>
    public static void CreateReferenceTableWhenCitus(this MigrationBuilder migration, string table) =>
        migration.Sql(WhenCitus($"PERFORM create_reference_table('{table}');"));

    /// <summary>
    /// Turns a distributed <paramref name="table"/> into a reference table: for a small table that hot statements read
    /// for several keys at once (several users' settings), which on shards would be one query over many shards.
    /// </summary>
    public static void ReplicateToEveryNodeWhenCitus(this MigrationBuilder migration, string table) =>
        migration.Sql(WhenCitus($"""
            IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = '{table}'::regclass AND partmethod = 'h') THEN
                    PERFORM undistribute_table('{table}');
                    PERFORM create_reference_table('{table}');
                END IF;
            """));

    private static string WhenCitus(string statement) => $"""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
                {statement}
            END IF;
        END
        $$;
        """;
}
