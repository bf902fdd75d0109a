using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TatamiTech.Tenancy.AspNetCore.Authentication;
using TatamiTech.Tenancy.AspNetCore.Observability;
using TatamiTech.Tenancy.AspNetCore.Resolution;

namespace TatamiTech.Tenancy.AspNetCore.Binding;

/// <summary>
/// Step 3 of the pipeline: an authenticated caller must belong to the academy step 1 resolved. A
/// middleware, not an authorization policy, so that no endpoint can lose the check by naming a policy or
/// roles of its own; anonymous endpoints of an academy are covered too.
/// </summary>
internal sealed class TenantBindingMiddleware(RequestDelegate next, ILogger<TenantBindingMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<ResolvedTenant>() is not { } resolved)
        {
            // No academy: a tenant-agnostic endpoint.
            return next(context);
        }

        var tenant = resolved.Tenant;
        switch (TenantMembership.Of(context, resolved))
        {
            case Membership.NoTenant:
            {
                var subject = context.User.FindFirst(TatamiClaims.Subject)?.Value;
                return RefuseAsync(context, tenant, TenantRejectionReason.TokenWithoutTenant,
                    () => TenancyLog.TokenWithoutTenant(logger, subject, tenant.Slug));
            }

            case Membership.OtherTenant:
            {
                var subject = context.User.FindFirst(TatamiClaims.Subject)?.Value;
                var claimed = string.Join(",", context.User.FindAll(TatamiClaims.TenantId).Select(c => c.Value));
                return RefuseAsync(context, tenant, TenantRejectionReason.TokenTenantMismatch,
                    () => TenancyLog.TokenTenantMismatch(logger, subject, TenancyLog.Truncate(claimed), tenant.Slug, tenant.Id));
            }

            default:
                // A member, or no user: authorization answers 401 where it must.
                return next(context);
        }
    }

    // The warning is written in the academy's log scope, so it is found by filtering on the academy
    // attacked, like every record of its requests.
    private Task RefuseAsync(HttpContext context, TenantInfo tenant, TenantRejectionReason reason, Action log)
    {
        using (logger.BeginScope(new TenantLogScope(tenant)))
        {
            log();
        }

        TenancyTelemetry.CountRejection(reason, ResolvedTenant.MetricTagOf(context));
        return TenancyProblems.Forbidden(context);
    }
}
