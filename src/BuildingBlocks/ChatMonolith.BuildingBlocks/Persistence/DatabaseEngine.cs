using Npgsql;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Whether the shared database is a Citus cluster, asked of the database once. A hot path that writes one statement
/// over many keys on plain PostgreSQL writes statements that Citus routes to one shard each there (docs/adr/0018).
/// </summary>
public sealed class DatabaseEngine
{
    private const int Unknown = 0, Plain = 1, Citus = 2;

    private int _engine = Unknown;

    /// <summary>True on Citus. The first call asks over <paramref name="connection"/>; two first callers get the same answer.</summary>
    public async ValueTask<bool> IsCitusAsync(NpgsqlConnection connection)
    {
        var engine = Volatile.Read(ref _engine);
        if (engine == Unknown)
        {
            await using var citus = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", connection);
            engine = (bool)(await citus.ExecuteScalarAsync())! ? Citus : Plain;
            Volatile.Write(ref _engine, engine);
        }

        return engine == Citus;
    }
}
