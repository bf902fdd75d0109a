using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
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

    /// <summary>The documented wait, written out rather than read from the handler's constant.</summary>
    [Fact]
    public async Task AskTheCallerToRetryInFiveSeconds()
    {
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new DatabaseOutageHandler(
            services.GetRequiredService<IProblemDetailsService>(), NullLogger<DatabaseOutageHandler>.Instance);

        var handled = await handler.TryHandleAsync(context, Postgres(PostgresErrorCodes.CannotConnectNow), CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        var problem = await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body);
        Assert.Contains("Retry in 5 seconds", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static PostgresException Postgres(string sqlState) => new("message", "ERROR", "ERROR", sqlState);
}
