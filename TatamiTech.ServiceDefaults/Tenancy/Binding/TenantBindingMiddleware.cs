using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TatamiTech.ServiceDefaults.Tenancy.Observability;
using TatamiTech.ServiceDefaults.Tenancy.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.ServiceDefaults.Tenancy.Binding;

/// <summary>
/// Step 3 of the pipeline: an authenticated caller must belong to the academy step 1 resolved. A
/// middleware, not an authorization policy, so that no endpoint can lose the check by naming a policy or
/// roles of its own; anonymous endpoints of an academy are covered too.
/// </summary>
internal sealed class TenantBindingMiddleware(RequestDelegate next, ILogger<TenantBindingMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var tenant = ResolvedTenant.Of(context);
        if (tenant is null || context.User.Identity?.IsAuthenticated != true)
        {
            // No academy: a tenant-agnostic endpoint. No user: authorization answers 401 where it must.
            return next(context);
        }

        // One pass, no allocation on the accepted path: the first tenant_id claim and whether there are more.
        Claim? claim = null;
        var count = 0;
        foreach (var candidate in context.User.Claims)
        {
            if (candidate.Type == TatamiClaims.TenantId && count++ == 0)
            {
                claim = candidate;
            }
        }

        if (claim is null || (count == 1 && string.IsNullOrEmpty(claim.Value)))
        {
            var subject = context.User.FindFirst(TatamiClaims.Subject)?.Value;
            return RefuseAsync(context, tenant, TenantRejectionReason.TokenWithoutTenant,
                () => TenancyLog.TokenWithoutTenant(logger, subject, tenant.Slug));
        }

        // Exactly one tenant_id, a string holding a UUID in its one canonical form: an array (each value
        // becomes a claim of its own, and the first would win), a number or an object is a mismatch.
        if (count != 1
            || claim.ValueType != ClaimValueTypes.String
            || !Guid.TryParseExact(claim.Value, "D", out var claimedId)
            || claimedId != tenant.Id)
        {
            var subject = context.User.FindFirst(TatamiClaims.Subject)?.Value;
            var claimed = string.Join(",", context.User.FindAll(TatamiClaims.TenantId).Select(c => c.Value));
            return RefuseAsync(context, tenant, TenantRejectionReason.TokenTenantMismatch,
                () => TenancyLog.TokenTenantMismatch(logger, subject, TenancyLog.Truncate(claimed), tenant.Slug, tenant.Id));
        }

        return next(context);
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
