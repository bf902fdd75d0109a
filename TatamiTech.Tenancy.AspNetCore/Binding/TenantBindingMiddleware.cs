using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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
internal sealed class TenantBindingMiddleware(
    RequestDelegate next, AcademyMetricTags metricTags, ILogger<TenantBindingMiddleware> logger)
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

            case Membership.Member:
                NameOnMetrics(context, resolved);
                return next(context);

            default:
                // No user: authorization answers 401 where it must.
                return next(context);
        }
    }

    /// <summary>
    /// A member's request may give the academy its own name on metrics (step 1 used a name already given, else
    /// "other"), so that traffic from outside an academy never uses up the names.
    /// </summary>
    private void NameOnMetrics(HttpContext context, ResolvedTenant resolved)
    {
        if (resolved.MetricTag != AcademyMetricTags.Other || metricTags.For(resolved.Tenant) is not { } name
            || name == AcademyMetricTags.Other)
        {
            return;
        }

        resolved.MetricTag = name;
        if (context.Features.Get<IHttpMetricsTagsFeature>()?.Tags is { } tags)
        {
            tags.Remove(new(TenantTags.Slug, AcademyMetricTags.Other));
            tags.Add(new(TenantTags.Slug, name));
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
