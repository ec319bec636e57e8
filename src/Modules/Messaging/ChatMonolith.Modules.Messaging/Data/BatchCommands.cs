using Npgsql;

namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>A statement of an <see cref="NpgsqlBatch"/> with positional parameters ($1, $2, ...) in order.</summary>
internal static class BatchCommands
{
    public static NpgsqlBatchCommand Of(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
