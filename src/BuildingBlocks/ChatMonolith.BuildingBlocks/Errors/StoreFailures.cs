using ChatMonolith.BuildingBlocks.Persistence;
using StackExchange.Redis;

namespace ChatMonolith.BuildingBlocks.Errors;

/// <summary>Failures of a store the server needs (PostgreSQL, Redis) rather than of the request: the same request may succeed later.</summary>
public static class StoreFailures
{
    /// <summary>What such a failure answers: UNAVAILABLE, with a RetryInfo.</summary>
    public static readonly ChatException Unavailable =
        ChatException.Unavailable("TRY_AGAIN", "The server could not handle this request now; send it again.");

    /// <summary>Whether <paramref name="e"/>, or any exception it wraps, is a store that is away.</summary>
    public static bool IsStoreAway(Exception e)
    {
        if (DatabaseFailures.IsTransient(e))
        {
            return true;
        }

        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is RedisException or RedisTimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
