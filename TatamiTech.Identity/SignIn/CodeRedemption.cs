using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using TatamiTech.Data;
using TatamiTech.Data.Identity;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Authentication;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TatamiTech.Identity.SignIn;

/// <summary>
/// A code exchanged for a token: once only (its grant is recorded, and a second exchange finds it), in the academy it was
/// issued for, and only while the person is still a member with the role the code names.
/// </summary>
internal sealed class CodeRedemption(TatamiDbContext db, ITenantContext tenants, ILogger<CodeRedemption> logger)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    private const string UniqueViolation = "23505";

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsAuthorizationCodeGrantType())
        {
            return;
        }

        var principal = context.Principal;
        if (principal is null || tenants.Current is not { } academy
            || principal.GetClaim(TatamiClaims.TenantId) != academy.Id.ToString("D")
            || !Guid.TryParse(principal.GetClaim(AuthorizeEndpoints.GrantClaim), out var grant)
            || !Guid.TryParse(principal.GetClaim(Claims.Subject), out var account))
        {
            context.Reject(Errors.InvalidGrant, "The code is not valid on this academy's host.");
            return;
        }

        db.RedeemedCodes.Add(new RedeemedCode { Id = grant });
        try
        {
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (DbUpdateException failure)
        {
            // A replay (the grant already recorded), or an academy erased meanwhile: either way, no token.
            if (failure.InnerException is PostgresException { SqlState: UniqueViolation })
            {
                IdentityLog.CodeReplayed(logger, grant);
            }

            context.Reject(Errors.InvalidGrant, "The code has already been used.");
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

        // An app that asked for offline access gets a refresh token: the grant it belongs to starts here.
        if (principal.HasScope(Scopes.OfflineAccess))
        {
            var refresh = Guid.NewGuid();
            db.SignInGrants.Add(new SignInGrant { Id = grant, AccountId = account, CurrentRefresh = refresh });
            await db.SaveChangesAsync(context.CancellationToken);
            principal.SetClaim(AuthorizeEndpoints.RefreshClaim, refresh.ToString("D"));
        }

        IdentityTelemetry.CountIssued(IdentityTelemetry.AuthorizationCode);
        context.SignIn(principal);
    }
}
