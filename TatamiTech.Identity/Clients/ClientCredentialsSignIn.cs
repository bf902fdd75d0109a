using System.Security.Claims;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using TatamiTech.Data.Identity;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Authentication;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TatamiTech.Identity.Clients;

/// <summary>
/// The token an integration gets: its client id as <c>sub</c>, its academy as <c>tenant_id</c> (the academy of the host
/// it asked on, which is the academy the client belongs to), its role, and the API as the audience.
/// </summary>
internal sealed class ClientCredentialsSignIn(
    ITenantContext tenants, IOptions<IdentityOptions> options, ILogger<ClientCredentialsSignIn> logger)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsClientCredentialsGrantType())
        {
            return ValueTask.CompletedTask;
        }

        if (!context.Transaction.Properties.TryGetValue(ClientCredentialsValidation.ClientProperty, out var found)
            || found is not AcademyClient client
            || tenants.Current is not { } academy
            || client.TenantId != academy.Id)
        {
            // Validation hands over the client it found in this academy; anything else is a fault, refused closed.
            context.Reject(Errors.InvalidClient, "The client's credentials are not valid on this academy's host.");
            return ValueTask.CompletedTask;
        }

        var identity = new ClaimsIdentity(
            authenticationType: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, nameType: Claims.Subject, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId)
            .SetClaim(TatamiClaims.TenantId, academy.Id.ToString("D"))
            .SetClaim(Claims.Role, client.Role);
        identity.SetAudiences(options.Value.ApiAudience);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);

        IdentityLog.ClientSignedIn(logger, client.ClientId, client.Role);
        IdentityTelemetry.CountIssued(IdentityTelemetry.ClientCredentials);
        context.SignIn(new ClaimsPrincipal(identity));
        return ValueTask.CompletedTask;
    }
}
