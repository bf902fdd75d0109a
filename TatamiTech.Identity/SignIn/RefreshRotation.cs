using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using TatamiTech.Data;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Authentication;
using TatamiTech.Tenancy.AspNetCore.Observability;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TatamiTech.Identity.SignIn;

/// <summary>
/// A refresh token used: only the latest of its grant, in the academy it was issued for, while the person is still a
/// member with that role. Each use replaces it (the answer carries the next one); a token that was already replaced is
/// a replay, and revokes the grant, so that neither whoever replayed it nor the person can refresh again.
/// </summary>
internal sealed class RefreshRotation(
    TatamiDbContext db, ITenantContext tenants, IHttpContextAccessor http, TimeProvider clock, ILogger<RefreshRotation> logger)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsRefreshTokenGrantType())
        {
            return;
        }

        var principal = context.Principal;
        if (principal is null || tenants.Current is not { } academy
            || principal.GetClaim(TatamiClaims.TenantId) != academy.Id.ToString("D")
            || !Guid.TryParse(principal.GetClaim(AuthorizeEndpoints.GrantClaim), out var grant)
            || !Guid.TryParse(principal.GetClaim(AuthorizeEndpoints.RefreshClaim), out var presented)
            || !Guid.TryParse(principal.GetClaim(Claims.Subject), out var account))
        {
            context.Reject(Errors.InvalidGrant, "The refresh token is not valid on this academy's host.");
            return;
        }

        // One statement decides, also between two uses racing: only the latest token of a live grant moves it on.
        var next = Guid.NewGuid();
        var rotated = await db.SignInGrants
            .Where(g => g.Id == grant && g.AccountId == account && g.CurrentRefresh == presented && g.RevokedAt == null)
            .ExecuteUpdateAsync(g => g.SetProperty(x => x.CurrentRefresh, next), context.CancellationToken);
        if (rotated == 0)
        {
            var revoked = await db.SignInGrants
                .Where(g => g.Id == grant && g.RevokedAt == null)
                .ExecuteUpdateAsync(g => g.SetProperty(x => x.RevokedAt, clock.GetUtcNow()), context.CancellationToken);
            if (revoked > 0)
            {
                IdentityLog.RefreshReplayed(logger, grant);
                IdentityTelemetry.CountRefusal(TenantRejectionReason.RefreshTokenReplayed, http);
            }

            context.Reject(Errors.InvalidGrant, "The refresh token is no longer valid.");
            return;
        }

        var role = await db.Memberships.AsNoTracking()
            .Where(m => m.AccountId == account)
            .Select(m => m.Role)
            .FirstOrDefaultAsync(context.CancellationToken);
        if (role is null || role != principal.GetClaim(Claims.Role))
        {
            context.Reject(Errors.InvalidGrant, "The person is no longer a member of this academy with that role.");
            return;
        }

        principal.SetClaim(AuthorizeEndpoints.RefreshClaim, next.ToString("D"));
        IdentityTelemetry.CountIssued(IdentityTelemetry.RefreshToken);
        context.SignIn(principal);
    }
}
