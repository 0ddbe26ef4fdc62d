using Npgsql;

namespace Platform.ServiceDefaults;

/// <summary>
/// Tells a database that is away (PostgreSQL down, restarting, out of connections, the network to it broken: a client
/// may retry later) from a fault in our code or data (500). REST answers the first as 503 <see cref="Code"/> with
/// Retry-After, gRPC as UNAVAILABLE, and consumers retry it longer than a bug.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>The stable problem code (docs/problems.md).</summary>
    public const string Code = "database_unavailable";

    public const string Title = "数据库暂不可用，请稍后重试";

    /// <summary>What Retry-After says: a PostgreSQL restart or failover takes seconds, not minutes.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>True when <paramref name="exception"/>, or one it wraps, says the database cannot be reached now.</summary>
    public static bool Matches(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Any(Matches);
            }

            if (e is PostgresException postgres)
            {
                return IsUnavailableState(postgres.SqlState);
            }

            // Npgsql's own exceptions (no server answer): refused or broken connections, I/O errors and timeouts,
            // including "the connection pool has been exhausted", are transient; a wrong argument or a bug is not.
            if (e is NpgsqlException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Server answers that mean "not now": the connection failed (class 08), the server shuts down, crashed or still
    /// starts or recovers (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now), or it lacks resources
    /// (class 53: too many connections, out of memory or disk). Everything else, e.g. a constraint or a missing table
    /// or database, is a fault of ours.
    /// </summary>
    public static bool IsUnavailableState(string? sqlState) =>
        sqlState is not null
        && (sqlState.StartsWith("08", StringComparison.Ordinal)
            || sqlState.StartsWith("53", StringComparison.Ordinal)
            || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow);
}
