using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using TatamiTech.Tenancy;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TatamiTech.Identity.Apps;

/// <summary>
/// The checks OpenIddict leaves to us in degraded mode for the apps people sign in to: at the authorization endpoint a
/// known app and one of its redirect URIs for this academy (else no redirect at all, so a code never reaches an address
/// that is not the app's); at the token endpoint, the same app redeeming a code (OpenIddict checks that the code was
/// issued to it, to that redirect URI, and the PKCE verifier).
/// </summary>
internal sealed class AppClientValidation(IOptionsMonitor<IdentityOptions> options, ITenantContext tenants)
    : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>, IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var app = options.CurrentValue.FindApp(context.ClientId);
        if (app is null || tenants.Current is not { } academy)
        {
            context.Reject(Errors.InvalidClient, "The app is not known on this academy's host.");
        }
        else if (!app.Allows(context.RedirectUri, academy.Slug))
        {
            context.Reject(Errors.InvalidRequest, "The redirect_uri is not one of this app's for this academy.");
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if ((context.Request.IsAuthorizationCodeGrantType() || context.Request.IsRefreshTokenGrantType())
            && options.CurrentValue.FindApp(context.ClientId) is null)
        {
            context.Reject(Errors.InvalidClient, "The app is not known on this academy's host.");
        }

        return ValueTask.CompletedTask;
    }
}
