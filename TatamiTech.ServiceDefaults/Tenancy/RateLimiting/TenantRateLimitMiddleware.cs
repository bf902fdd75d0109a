using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TatamiTech.ServiceDefaults.Tenancy.Observability;
using TatamiTech.ServiceDefaults.Tenancy.Resolution;

namespace TatamiTech.ServiceDefaults.Tenancy.RateLimiting;

/// <summary>
/// Right after step 1, before any token is validated: each academy's requests draw from its own bucket,
/// so one academy sending far past its limit is refused (429) while the others are served as usual.
/// Endpoints marked <see cref="AddressRateLimitMetadata"/> also draw from the caller's address bucket.
/// </summary>
internal sealed class TenantRateLimitMiddleware(RequestDelegate next, TenancyRateLimiter limiter, ILogger<TenantRateLimitMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (ResolvedTenant.Of(context) is not { } tenant)
        {
            await next(context);
            return;
        }

        using var academyLease = limiter.AcquireForAcademy(tenant.Id);
        if (!academyLease.IsAcquired)
        {
            if (limiter.AcademyRefusalsToLog(tenant.Id) is > 0 and var refused)
            {
                TenancyLog.AcademyRateLimited(logger, tenant.Slug, refused);
            }

            TenancyTelemetry.CountRejection(TenantRejectionReason.AcademyRateLimited, ResolvedTenant.MetricTagOf(context));
            await RateLimitProblems.TooManyRequests(context, academyLease, "This academy is sending more requests than its limit.");
            return;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<AddressRateLimitMetadata>() is not null)
        {
            using var addressLease = limiter.AcquireForAddress(context.Connection.RemoteIpAddress);
            if (!addressLease.IsAcquired)
            {
                await RateLimitProblems.AddressOverLimit(context, addressLease, limiter, logger);
                return;
            }
        }

        await next(context);
    }
}
