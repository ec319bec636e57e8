namespace ChatMonolith.Testing;

/// <summary>
/// Waits for state the host writes in the background (read models fed by events) to reach what a test expects: there
/// is no event to await, so the condition is read again every 50 ms until it holds or the patience runs out.
/// </summary>
public static class DatabaseState
{
    /// <summary>The first column of the first row of a query against the database of <paramref name="connectionString"/>; fails when there is no row.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        Xunit.Assert.True(await reader.ReadAsync(), $"no row for: {sql}");
        return reader.GetFieldValue<T>(0);
    }

    /// <summary>Whether <paramref name="condition"/> came to hold within <paramref name="patience"/>.</summary>
    public static async Task<bool> HoldsWithinAsync(Func<Task<bool>> condition, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return true;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="because"/> (read at that moment) when it never does.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan patience, Func<Task<string>> because)
    {
        if (!await HoldsWithinAsync(condition, patience))
        {
            Xunit.Assert.Fail(await because());
        }
    }
}
