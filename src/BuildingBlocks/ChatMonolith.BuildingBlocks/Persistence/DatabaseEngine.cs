using Npgsql;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Whether the shared database is a Citus cluster, asked of the database once. A hot path that writes one statement
/// over many keys on plain PostgreSQL writes statements that Citus routes to one shard each there (docs/adr/0018).
/// </summary>
public sealed class DatabaseEngine
{
    private bool? _citus;

    /// <summary>True on Citus. The first call asks over <paramref name="connection"/>; two first callers get the same answer.</summary>
    public async ValueTask<bool> IsCitusAsync(NpgsqlConnection connection)
    {
        if (_citus is null)
        {
            await using var citus = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", connection);
            _citus = (bool)(await citus.ExecuteScalarAsync())!;
        }

        return _citus.Value;
    }
}
