using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TatamiTech.ServiceDefaults.Problems;

/// <summary>
/// A request the framework could not bind (a body that is not the JSON the endpoint takes, a body too
/// large, the wrong content type, a query or route value that does not parse) is the caller's mistake:
/// problem details with the framework's status (400, 413, 415) and a short reason, never a 500. One rule
/// for every endpoint, present and future: no endpoint has code of its own for it.
/// </summary>
internal sealed partial class BadRequestProblemHandler(IProblemDetailsService problems, ILogger<BadRequestProblemHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest || httpContext.Response.HasStarted)
        {
            return false;
        }

        var reason = Reason(badRequest);
        LogRefused(logger, badRequest.StatusCode, httpContext.Request.Method, httpContext.Request.Path, reason);
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Detail = reason,
            },
        });
    }

    /// <summary>What the caller can fix, without echoing a long body back.</summary>
    internal static string Reason(BadHttpRequestException exception) => exception switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => "The request body is larger than this endpoint accepts.",
        { StatusCode: StatusCodes.Status415UnsupportedMediaType } => "The request body must be JSON (Content-Type: application/json).",
        { InnerException: JsonException json } => json.Path is { Length: > 1 } path
            ? $"The request body is not the JSON this endpoint takes (at {Truncate(path)})."
            : "The request body is not the JSON this endpoint takes.",
        { Message: var message } when message.StartsWith("Required parameter", StringComparison.Ordinal)
            => "A required value is missing: " + Truncate(message),
        { Message: var message } => Truncate(message),
    };

    private static string Truncate(string value) => value.Length <= 160 ? value : value[..160] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method} {Path} with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string method, string path, string reason);
}
