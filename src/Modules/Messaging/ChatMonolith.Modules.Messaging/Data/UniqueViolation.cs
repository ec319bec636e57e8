using Npgsql;

namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>A unique index refused a row: a concurrent twin (the same client_msg_id, the same direct chat) got there first.</summary>
internal static class UniqueViolation
{
    public static bool IsCauseOf(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return true;
            }
        }

        return false;
    }
}
