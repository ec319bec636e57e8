using Npgsql;

namespace ChatMonolith.Testing;

/// <summary>
/// A conversation's row locked by a transaction of the test's own, as a membership change holds it: a batch of sends
/// to it waits until <see cref="ReleaseAsync"/> (or disposal, which rolls back).
/// </summary>
public sealed class HeldConversation : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private HeldConversation(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<HeldConversation> HoldAsync(string connectionString, string conversationId)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var lockRow = new NpgsqlCommand("SELECT 1 FROM messaging.conversations WHERE conversation_id = $1 FOR UPDATE", connection, transaction);
        lockRow.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.Parse(conversationId) });
        await lockRow.ExecuteScalarAsync();
        return new HeldConversation(connection, transaction);
    }

    public Task ReleaseAsync() => _transaction.CommitAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
