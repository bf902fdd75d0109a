using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace TatamiTech.Tenancy.AspNetCore.RateLimiting;

/// <summary>429 problem details with Retry-After.</summary>
internal static class RateLimitProblems
{
    public static Task TooManyRequests(HttpContext context, TimeSpan retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too Many Requests",
                type: "https://tools.ietf.org/html/rfc6585#section-4",
                detail: $"{detail} Retry after {seconds} s.")
            .ExecuteAsync(context);
    }
}
