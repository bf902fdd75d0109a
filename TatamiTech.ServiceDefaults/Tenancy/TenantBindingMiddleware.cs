using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TatamiTech.ServiceDefaults.Authentication;

namespace TatamiTech.ServiceDefaults.Tenancy;

/// <summary>
/// Step 3 of the pipeline: an authenticated caller must belong to the resolved tenant. A middleware,
/// not an authorization policy, so that no endpoint can lose the check by naming a policy or roles of
/// its own; anonymous endpoints of a tenant are covered too.
/// </summary>
internal sealed class TenantBindingMiddleware(RequestDelegate next, ILogger<TenantBindingMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context, ITenantContext tenantContext)
    {
        var tenant = tenantContext.Current;
        if (tenant is null || context.User.Identity?.IsAuthenticated != true)
        {
            // No tenant: a tenant-agnostic endpoint. No user: authorization answers 401 where it must.
            return next(context);
        }

        var subject = context.User.FindFirst(TatamiClaims.Subject)?.Value;
        var claimed = context.User.FindFirst(TatamiClaims.TenantId)?.Value;
        if (string.IsNullOrEmpty(claimed))
        {
            TenancyLog.TokenWithoutTenant(logger, subject, tenant.Slug);
            TenancyTelemetry.CountRejection(TenantRejectionReason.TokenWithoutTenant);
            return TenancyProblems.Forbidden(context);
        }

        if (!Guid.TryParse(claimed, out var claimedId) || claimedId != tenant.Id)
        {
            TenancyLog.TokenTenantMismatch(logger, subject, TenancyLog.Truncate(claimed), tenant.Slug, tenant.Id);
            TenancyTelemetry.CountRejection(TenantRejectionReason.TokenTenantMismatch);
            return TenancyProblems.Forbidden(context);
        }

        return next(context);
    }
}
