using Npgsql;

namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>Errors PostgreSQL itself reported, found however deep EF Core or Wolverine wrapped them.</summary>
internal static class PostgresErrors
{
    public static PostgresException? FindPostgresError(this Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres)
            {
                return postgres;
            }
        }

        return null;
    }

    /// <summary>A unique index refused a row: a concurrent twin (the same client_msg_id, the same direct chat) got there first.</summary>
    public static bool IsUniqueViolation(this Exception e) => e.FindPostgresError()?.SqlState == PostgresErrorCodes.UniqueViolation;
}
