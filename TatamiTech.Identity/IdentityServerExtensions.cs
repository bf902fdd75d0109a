using TatamiTech.Identity.Apps;
using TatamiTech.Identity.Clients;
using TatamiTech.Identity.Invitations;
using TatamiTech.Identity.SignIn;
using TatamiTech.Identity.Keys;
using TatamiTech.Names;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TatamiTech.Identity;

public static class IdentityServerExtensions
{
    /// <summary>
    /// The OpenID Connect server. OpenIddict speaks the protocol (requests, errors, signing, discovery, published keys);
    /// what it would keep in its own stores (clients, and later members and grants) lives in the academies' tables
    /// instead, behind the wall (degraded mode with handlers of our own), so that no row of the identity service escapes
    /// the rules every tenant table follows.
    /// </summary>
    public static TBuilder AddIdentityServer<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<IdentityOptions>()
            .BindConfiguration(IdentityOptions.SectionName)
            .Validate(o => o.Issuer is { IsAbsoluteUri: true }, $"{ConfigurationKeys.IdentityIssuer} must be an absolute URL.")
            .Validate(o => o.AccessTokenLifetime > TimeSpan.Zero, "Identity:AccessTokenLifetime must be positive.")
            .ValidateOnStart();
        var settings = builder.Configuration.GetSection(IdentityOptions.SectionName).Get<IdentityOptions>() ?? new IdentityOptions();
        var keys = IdentityKeys.From(builder.Configuration);
        var development = builder.Environment.IsDevelopment();

        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.EnableDegradedMode();
            if (settings.Issuer is not null)
            {
                server.SetIssuer(settings.Issuer);
            }

            server.SetAuthorizationEndpointUris(ServicePaths.IdentityAuthorize.TrimStart('/'))
                .SetTokenEndpointUris(ServicePaths.IdentityToken.TrimStart('/'))
                .SetConfigurationEndpointUris(ServicePaths.IdentityDiscovery.TrimStart('/'))
                .SetJsonWebKeySetEndpointUris(ServicePaths.IdentityKeys.TrimStart('/'));
            // People: the code flow with PKCE (S256 only); integrations: client credentials. No password or implicit flow.
            server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            // Refresh tokens for apps that ask for offline access, replaced at each use (RefreshRotation).
            server.AllowRefreshTokenFlow();
            server.RegisterScopes(Scopes.OpenId, Scopes.OfflineAccess);
            server.AllowClientCredentialsFlow();
            server.SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(2));
            server.SetAccessTokenLifetime(settings.AccessTokenLifetime);

            // The API reads the tokens itself (JwtBearer with this service as its authority): signed, not encrypted.
            server.DisableAccessTokenEncryption();
            server.AddSigningKey(keys.Signing);
            server.AddEncryptionKey(keys.Encryption);

            // TLS ends at the load balancer in production, which forwards the scheme; a local run is plain HTTP.
            var aspNetCore = server.UseAspNetCore().EnableAuthorizationEndpointPassthrough();
            if (development)
            {
                aspNetCore.DisableTransportSecurityRequirement();
            }

            server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseScopedHandler<ClientCredentialsValidation>());
            server.AddEventHandler<HandleTokenRequestContext>(handler => handler.UseScopedHandler<ClientCredentialsSignIn>());
            server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseScopedHandler<AppClientValidation>());
            server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseScopedHandler<AppClientValidation>());
            server.AddEventHandler<HandleTokenRequestContext>(handler => handler.UseScopedHandler<CodeRedemption>());
            server.AddEventHandler<HandleTokenRequestContext>(handler => handler.UseScopedHandler<RefreshRotation>());
            server.AddEventHandler<HandleJsonWebKeySetRequestContext>(handler => handler.UseSingletonHandler<RetiredKeyPublication>());
        });
        builder.Services.AddSingleton(keys);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<PasswordSignIn>();
        builder.Services.AddScoped<InvitationAcceptance>();
        return builder;
    }
}
