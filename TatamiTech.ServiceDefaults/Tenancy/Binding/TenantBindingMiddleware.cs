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

        var subject = context.User.FindFirst(TatamiClaims.Subject)?.Value;
        var claims = context.User.FindAll(TatamiClaims.TenantId).ToList();
        if (claims.Count == 0 || (claims.Count == 1 && string.IsNullOrEmpty(claims[0].Value)))
        {
            return RefuseAsync(context, tenant, TenantRejectionReason.TokenWithoutTenant,
                () => TenancyLog.TokenWithoutTenant(logger, subject, tenant.Slug));
        }

        // Exactly one tenant_id, a string holding a UUID in its one canonical form: an array (each value
        // becomes a claim of its own, and the first would win), a number or an object is a mismatch.
        var claimed = string.Join(",", claims.Select(c => c.Value));
        if (claims.Count != 1
            || claims[0].ValueType != ClaimValueTypes.String
            || !Guid.TryParseExact(claimed, "D", out var claimedId)
            || claimedId != tenant.Id)
        {
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

        TenancyTelemetry.CountRejection(reason);
        return TenancyProblems.Forbidden(context);
    }
}
