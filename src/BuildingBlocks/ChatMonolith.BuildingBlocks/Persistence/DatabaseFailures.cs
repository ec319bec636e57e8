using Npgsql;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Failures of the database rather than of the work: the server restarted, crashed or refused connections, or the
/// connection broke in the middle of a transaction. The same work can succeed when tried again later.
/// </summary>
public static class DatabaseFailures
{
    /// <summary>Whether <paramref name="e"/>, or any exception it wraps (EF Core and Wolverine wrap), is such a failure.</summary>
    public static bool IsTransient(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                // Broken sockets, timeouts, and server errors such as admin_shutdown, crash_shutdown, cannot_connect_now.
                case NpgsqlException { IsTransient: true }:
                // What is left of a transaction or connection that a broken socket ended, when its owner goes on to use it.
                case ObjectDisposedException { ObjectName: nameof(NpgsqlTransaction) or nameof(NpgsqlConnection) }:
                    return true;
            }
        }

        return false;
    }
}
