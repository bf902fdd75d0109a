using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using TatamiTech.Api.Database;

namespace TatamiTech.UnitTests.Api.Database;

public sealed class DatabaseOutageHandlerShould
{
    public static TheoryData<string, Exception> Outages => new()
    {
        { "refused connection", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)) },
        { "stream closed", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()) },
        { "no answer in time", new NpgsqlException("The operation has timed out", new TimeoutException()) },
        { "server shutting down", Postgres(PostgresErrorCodes.AdminShutdown) },
        { "server starting", Postgres(PostgresErrorCodes.CannotConnectNow) },
        { "too many connections", Postgres(PostgresErrorCodes.TooManyConnections) },
        { "connection failure class", Postgres(PostgresErrorCodes.ConnectionFailure) },
        {
            "retries exhausted on an outage",
            new RetryLimitExceededException("retries", new NpgsqlException("Failed to connect", new SocketException()))
        },
    };

    public static TheoryData<string, Exception> NotOutages => new()
    {
        { "deadlock", Postgres(PostgresErrorCodes.DeadlockDetected) },
        { "serialization failure", Postgres(PostgresErrorCodes.SerializationFailure) },
        { "unique violation", Postgres(PostgresErrorCodes.UniqueViolation) },
        { "row-level security refusal", Postgres(PostgresErrorCodes.InsufficientPrivilege) },
        { "retries exhausted on a deadlock", new RetryLimitExceededException("retries", Postgres(PostgresErrorCodes.DeadlockDetected)) },
        { "a bug", new InvalidOperationException("Sequence contains no elements") },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public void AnswerUnavailableFor(string what, Exception exception) =>
        Assert.True(DatabaseOutageHandler.IsOutage(exception), what);

    [Theory]
    [MemberData(nameof(NotOutages))]
    public void LeaveToTheDefaultHandler(string what, Exception exception) =>
        Assert.False(DatabaseOutageHandler.IsOutage(exception), what);

    private static PostgresException Postgres(string sqlState) => new("message", "ERROR", "ERROR", sqlState);
}
