using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>Which engine the messages live on (<see cref="MessagingOptions.Database"/>).</summary>
internal enum MessagingDatabaseKind
{
    /// <summary>Asks the database, once: Citus where the <c>citus</c> extension exists, PostgreSQL otherwise.</summary>
    Auto,

    /// <summary>One server: a hot path may touch many conversations in one statement.</summary>
    PostgreSql,

    /// <summary>
    /// Sharded by conversation (users' lists by user): every hot statement is filtered by one distribution key, so
    /// Citus routes it to the one shard that holds it.
    /// </summary>
    Citus,
}

/// <summary>
/// Whether the hot paths must write statements that Citus can route to one shard each (sends, a stream's membership
/// windows), or may use one statement over many conversations, which costs plain PostgreSQL less (docs/adr/0014).
/// </summary>
internal sealed class MessagingDatabase(IOptions<MessagingOptions> options, DatabaseEngine engine)
{
    /// <summary>True when statements must be routed per shard. The first call may ask the database over <paramref name="connection"/>.</summary>
    public async ValueTask<bool> IsCitusAsync(NpgsqlConnection connection) => options.Value.Database switch
    {
        MessagingDatabaseKind.Auto => await engine.IsCitusAsync(connection),
        var kind => kind == MessagingDatabaseKind.Citus,
    };
}
