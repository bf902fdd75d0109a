using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Logging;
using TatamiTech.ServiceDefaults.Authentication;

namespace TatamiTech.ServiceDefaults.Tenancy;

/// <summary>
/// Binds the token to the tenant: its <c>tenant_id</c> claim must equal the resolved tenant's id.
/// A token without the claim, or any request without a resolved tenant, fails.
/// </summary>
internal sealed class TenantMemberHandler(ITenantContext tenantContext, ILogger<TenantMemberHandler> logger)
    : AuthorizationHandler<TenantMemberRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantMemberRequirement requirement)
    {
        var tenant = tenantContext.Current;
        if (tenant is null || context.User.Identity?.IsAuthenticated != true)
        {
            context.Fail(new AuthorizationFailureReason(this, "No tenant or no authenticated user."));
            return Task.CompletedTask;
        }

        var subject = context.User.FindFirst(TatamiClaims.Subject)?.Value;
        var claimed = context.User.FindFirst(TatamiClaims.TenantId)?.Value;
        if (string.IsNullOrEmpty(claimed))
        {
            TenancyLog.TokenWithoutTenant(logger, subject, tenant.Slug);
            TenancyTelemetry.CountRejection(TenantRejectionReason.TokenWithoutTenant);
            context.Fail(new AuthorizationFailureReason(this, "The token carries no tenant."));
            return Task.CompletedTask;
        }

        if (!Guid.TryParse(claimed, out var claimedId) || claimedId != tenant.Id)
        {
            TenancyLog.TokenTenantMismatch(logger, subject, claimed, tenant.Slug, tenant.Id);
            TenancyTelemetry.CountRejection(TenantRejectionReason.TokenTenantMismatch);
            context.Fail(new AuthorizationFailureReason(this, "The token belongs to another tenant."));
            return Task.CompletedTask;
        }

        context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
