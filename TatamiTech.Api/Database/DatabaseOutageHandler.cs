using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace TatamiTech.Api.Database;

/// <summary>
/// While Postgres cannot be reached (stopped, restarting, refusing connections), requests get a prompt
/// 503 problem with Retry-After instead of a 500 or a hang; the retries before it are bounded by
/// Database:Retry. Anything else is left to the default handler.
/// </summary>
internal sealed partial class DatabaseOutageHandler(IProblemDetailsService problems, ILogger<DatabaseOutageHandler> logger)
    : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsOutage(exception))
        {
            return false;
        }

        LogOutage(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Database unavailable",
                Detail = $"The academy's data cannot be reached right now. Retry in {RetryAfterSeconds} seconds.",
            },
        });
    }

    /// <summary>
    /// The server cannot be reached or refuses sessions: connection failures, shutdown and start-up
    /// (57P01-57P03), too many connections (53300), no answer in time. Deadlocks and serialization
    /// failures are transient too, but they are not an outage and stay visible as errors.
    /// </summary>
    internal static bool IsOutage(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                case NpgsqlException npgsql
                    when npgsql.InnerException is System.Net.Sockets.SocketException or IOException or EndOfStreamException:
                    return true;
                // The server did not answer in time: while opening a connection (Database:ConnectTimeoutSeconds,
                // also when a proxy accepts the connection but nothing answers behind it) or running a
                // command. Either way it cannot serve now; the warning keeps the exception visible.
                case NpgsqlException { InnerException: TimeoutException }:
                    return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable for {Method} {Path}")]
    private static partial void LogOutage(ILogger logger, Exception exception, string method, string path);
}
