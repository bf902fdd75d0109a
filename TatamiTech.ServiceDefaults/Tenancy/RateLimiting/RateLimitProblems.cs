using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TatamiTech.ServiceDefaults.Tenancy.Observability;

namespace TatamiTech.ServiceDefaults.Tenancy.RateLimiting;

/// <summary>429 problem details with Retry-After, from a refused lease.</summary>
internal static class RateLimitProblems
{
    /// <summary>The caller's address is over its limit: a warning, a count, and the 429.</summary>
    public static Task AddressOverLimit(HttpContext context, RateLimitLease lease, TenancyRateLimiter limiter, ILogger logger)
    {
        var address = context.Connection.RemoteIpAddress;
        if (limiter.AddressRefusalsToLog(address) is > 0 and var refused)
        {
            TenancyLog.AddressRateLimited(logger, address?.ToString() ?? "unknown", context.Request.Path, refused);
        }

        TenancyTelemetry.CountRejection(TenantRejectionReason.AddressRateLimited);
        return TooManyRequests(context, lease, "Too many requests from this address.");
    }

    public static Task TooManyRequests(HttpContext context, RateLimitLease lease, string detail)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
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
