using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using TatamiTech.Names;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Authentication;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace TatamiTech.Identity.SignIn;

/// <summary>
/// The authorization endpoint's own part (OpenIddict has validated the request, the app and its redirect URI first):
/// GET shows the academy's sign-in form, POST checks the person and answers with a code for the app.
/// </summary>
public static class AuthorizeEndpoints
{
    /// <summary>A claim kept in the code only: the grant's id, which makes the code redeemable once.</summary>
    public const string GrantClaim = "tatamitech_grant";

    /// <summary>A claim kept in the refresh token only: which of its grant's refresh tokens it is.</summary>
    public const string RefreshClaim = "tatamitech_refresh";

    public static WebApplication MapAuthorizeEndpoints(this WebApplication app)
    {
        app.MapGet(ServicePaths.IdentityAuthorize, Show).ExcludeFromDescription();
        app.MapPost(ServicePaths.IdentityAuthorize, SignInAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static IResult Show(HttpContext context, ITenantContext tenants) =>
        context.GetOpenIddictServerRequest() is { } request && tenants.Current is { } academy
            ? SignInPage.Render(academy.Name, Parameters(request), failed: false)
            : Results.BadRequest();

    private static async Task<IResult> SignInAsync(
        HttpContext context, ITenantContext tenants, PasswordSignIn signIn, IOptions<IdentityOptions> options, CancellationToken ct)
    {
        if (context.GetOpenIddictServerRequest() is not { } request || tenants.Current is not { } academy)
        {
            return Results.BadRequest();
        }

        SignedInMember? member;
        try
        {
            var form = await context.Request.ReadFormAsync(ct);
            member = await signIn.SignInAsync(form[SignInPage.EmailField], form[SignInPage.PasswordField], ct);
        }
        catch (InvalidDataException)
        {
            // A form the framework cannot read: no credentials, the same answer as wrong ones.
            member = null;
        }

        if (member is null)
        {
            return SignInPage.Render(academy.Name, Parameters(request), failed: true);
        }

        var identity = new ClaimsIdentity(
            authenticationType: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, nameType: Claims.Subject, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, member.AccountId.ToString("D"))
            .SetClaim(TatamiClaims.TenantId, academy.Id.ToString("D"))
            .SetClaim(Claims.Role, member.Role)
            .SetClaim(GrantClaim, Guid.NewGuid().ToString("D"));
        identity.SetScopes(request.GetScopes());
        identity.SetAudiences(options.Value.ApiAudience);
        identity.SetDestinations(static claim => claim.Type is GrantClaim or RefreshClaim ? [] : [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IEnumerable<KeyValuePair<string, string?>> Parameters(OpenIddictRequest request) =>
        request.GetParameters().Select(p => new KeyValuePair<string, string?>(p.Key, (string?)p.Value));
}
