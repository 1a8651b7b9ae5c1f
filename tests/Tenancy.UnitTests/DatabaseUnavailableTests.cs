using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Placement;

namespace Tenancy.UnitTests;

public sealed class DatabaseUnavailableTests
{
    public static TheoryData<string, Exception> Unreachable => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)) },
        { "timed out opening", new NpgsqlException("Exception while connecting", new TimeoutException()) },
        { "reset mid-read", new NpgsqlException("Exception while reading from stream", new IOException("reset")) },
        { "server shutting down", Server(PostgresErrorCodes.AdminShutdown) },
        { "server starting", Server(PostgresErrorCodes.CannotConnectNow) },
        { "too many connections", Server(PostgresErrorCodes.TooManyConnections) },
        { "connection failure", Server(PostgresErrorCodes.ConnectionFailure) },
        { "wrapped by EF Core", new DbUpdateException("save failed", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))) },
        { "wrapped twice", new InvalidOperationException("transient", new DbUpdateException("save failed", Server(PostgresErrorCodes.AdminShutdown))) },
    };

    public static TheoryData<string, Exception> Refused => new()
    {
        { "unique violation", new DbUpdateException("save failed", Server(PostgresErrorCodes.UniqueViolation)) },
        { "numeric overflow", Server(PostgresErrorCodes.NumericValueOutOfRange) },
        { "serialization failure", Server(PostgresErrorCodes.SerializationFailure) },
        { "not a database error", new InvalidOperationException("bug") },
    };

    [Theory]
    [MemberData(nameof(Unreachable))]
    public void PostgreSQL_out_of_reach_is_unavailable(string why, Exception exception) =>
        Assert.True(DatabaseUnavailable.Is(exception), why);

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_statement_the_server_refused_is_not(string why, Exception exception) =>
        Assert.False(DatabaseUnavailable.Is(exception), why);

    [Fact]
    public void The_detail_names_the_cause()
    {
        Assert.Equal("connection refused", DatabaseUnavailable.Describe(new NpgsqlException("x", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal("it is shutting down", DatabaseUnavailable.Describe(new DbUpdateException("x", Server(PostgresErrorCodes.AdminShutdown))));
        Assert.Equal("it has no connection left", DatabaseUnavailable.Describe(Server(PostgresErrorCodes.TooManyConnections)));
    }

    private static PostgresException Server(string sqlState) => new("message", "FATAL", "FATAL", sqlState);
}
