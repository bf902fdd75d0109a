using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TatamiTech.Tenancy.AspNetCore.Binding;
using TatamiTech.Tenancy.AspNetCore.Observability;
using TatamiTech.Tenancy.AspNetCore.Resolution;

namespace TatamiTech.Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// After authentication and before step 3: a request whose token proves it belongs to the academy draws from
/// the academy members' budget; any other (no token, a bad token, another academy's token) from its client
/// address and from the academy host's small budget for strangers. A flood from outside an academy is
/// refused at its own budgets and never reaches its members'.
/// </summary>
internal sealed class TenantRateLimitMiddleware(RequestDelegate next, TenancyRateLimiter limiter, ILogger<TenantRateLimitMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<ResolvedTenant>() is not { } resolved)
        {
            return next(context);
        }

        var academy = resolved.Tenant;
        if (TenantMembership.Of(context, resolved) == Membership.Member)
        {
            return limiter.TryAcquireForMembers(academy.Id, out var wait) ? next(context) : RefuseMembers(context, resolved, wait);
        }

        var address = ClientAddress.Of(context.Connection.RemoteIpAddress);
        return limiter.TryAcquireForStranger(academy.Id, address, out var retryAfter) switch
        {
            StrangerVerdict.Allowed => next(context),
            StrangerVerdict.AddressOverLimit => RefuseAddress(context, resolved, address, retryAfter),
            _ => RefuseStrangers(context, resolved, retryAfter),
        };
    }

    private Task RefuseMembers(HttpContext context, ResolvedTenant resolved, TimeSpan retryAfter)
    {
        if (limiter.MemberRefusalsToLog(resolved.Tenant.Id) is > 0 and var refused)
        {
            TenancyLog.AcademyRateLimited(logger, resolved.Tenant.Slug, refused);
        }

        TenancyTelemetry.CountRejection(TenantRejectionReason.AcademyRateLimited, resolved.MetricTag);
        return RateLimitProblems.TooManyRequests(context, retryAfter, "This academy is sending more requests than its limit.");
    }

    private Task RefuseStrangers(HttpContext context, ResolvedTenant resolved, TimeSpan retryAfter)
    {
        if (limiter.StrangerRefusalsToLog(resolved.Tenant.Id) is > 0 and var refused)
        {
            TenancyLog.StrangersRateLimited(logger, resolved.Tenant.Slug, refused);
        }

        TenancyTelemetry.CountRejection(TenantRejectionReason.StrangersRateLimited, resolved.MetricTag);
        return RateLimitProblems.TooManyRequests(context, retryAfter, "Too many requests without this academy's credentials.");
    }

    private Task RefuseAddress(HttpContext context, ResolvedTenant resolved, ClientAddress address, TimeSpan retryAfter)
    {
        if (limiter.AddressRefusalsToLog(address) is > 0 and var refused)
        {
            TenancyLog.AddressRateLimited(logger, address.ToString(), resolved.Tenant.Slug, refused);
        }

        TenancyTelemetry.CountRejection(TenantRejectionReason.AddressRateLimited, resolved.MetricTag);
        return RateLimitProblems.TooManyRequests(context, retryAfter, "Too many requests from this address.");
    }
}
