using System.Net.Sockets;
using Npgsql;

namespace Tenancy.Placement;

/// <summary>
/// Whether an exception means PostgreSQL could not be reached (refused, timed out opening, shutting down, out of
/// connections) rather than refusing this request's statement: the first is the service's fault and passes with
/// time (503), the second keeps its own handling.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>Seconds a client should wait: PostgreSQL restarts and failovers take seconds, not milliseconds.</summary>
    public const int RetryAfterSeconds = 5;

    public static bool Is(Exception exception)
    {
        // EF Core, HybridCache and the execution strategy wrap Npgsql's exception; the cause is further in.
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return IsUnavailableState(postgres.SqlState);
                // Npgsql's own (not the server's) errors are transient exactly when the socket failed or timed out:
                // refused, reset, a connect or pool-wait timeout.
                case NpgsqlException { IsTransient: true }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The cause in a few words, for the problem's detail; never the connection string or the statement.</summary>
    public static string Describe(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return postgres.SqlState switch
                    {
                        PostgresErrorCodes.TooManyConnections => "it has no connection left",
                        PostgresErrorCodes.CannotConnectNow => "it is starting up or shutting down",
                        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown => "it is shutting down",
                        _ => "the connection was lost",
                    };
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused";
                case TimeoutException:
                    return "timed out opening a connection";
            }
        }

        return "the connection failed";
    }

    /// <summary>Class 08 (connection exception), 53300 (too many connections), 57P01–57P03 (shutdown, crash, starting).</summary>
    private static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow;
}
