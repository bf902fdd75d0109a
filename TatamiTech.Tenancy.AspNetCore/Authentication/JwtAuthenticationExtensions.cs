using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace TatamiTech.Tenancy.AspNetCore.Authentication;

public static class JwtAuthenticationExtensions
{
    /// <summary>
    /// JWT bearer authentication: tokens of an OIDC authority (its discovery document and published keys, ES256 or RS256),
    /// of an HS256 key, or (Development) of both, the authority's and the development token endpoint's. With neither the
    /// service refuses to start rather than accept tokens it cannot check.
    /// </summary>
    public static TBuilder AddJwtAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var jwt = builder.Configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();
        builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName);

        var useAuthority = !string.IsNullOrWhiteSpace(jwt.Authority);
        var signingKey = string.IsNullOrWhiteSpace(jwt.SigningKey) ? null : CreateSigningKey(jwt.SigningKey);
        if (!useAuthority && signingKey is null)
        {
            throw new InvalidOperationException(
                "JWT authentication is not configured: set Jwt:SigningKey (HS256) or Jwt:Authority (OIDC).");
        }

        if (signingKey is not null && !builder.Environment.IsDevelopment() && !jwt.AllowSymmetricKey)
        {
            throw new InvalidOperationException(
                $"Jwt:SigningKey (HS256) is for Development; in {builder.Environment.EnvironmentName} configure Jwt:Authority " +
                "(the identity provider that issues the tokens), or set Jwt:AllowSymmetricKey=true to accept a shared key knowingly.");
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                // Keep "sub" and "tenant_id" as they are in the token.
                options.MapInboundClaims = false;
                // Why a token failed is for our logs, not for the caller's WWW-Authenticate header.
                options.IncludeErrorDetails = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidAudience = jwt.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = jwt.ClockSkew,
                    NameClaimType = TatamiClaims.Subject,
                };

                List<string> algorithms = [];
                if (useAuthority)
                {
                    // The issuer and the keys are the ones the authority's discovery document names (the handler adds both).
                    options.Authority = jwt.Authority;
                    options.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                    // A failed read of the discovery document is tried again after this, not after the default 5 minutes.
                    options.RefreshInterval = jwt.MetadataRetryInterval;
                    algorithms.AddRange([SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256]);
                }

                if (signingKey is not null)
                {
                    options.TokenValidationParameters.ValidIssuer = jwt.Issuer;
                    options.TokenValidationParameters.IssuerSigningKey = signingKey;
                    algorithms.Add(SecurityAlgorithms.HmacSha256);
                }

                options.TokenValidationParameters.ValidAlgorithms = algorithms;
            });

        return builder;
    }

    public static SymmetricSecurityKey CreateSigningKey(string signingKey)
    {
        var bytes = Encoding.UTF8.GetBytes(signingKey);
        if (bytes.Length < JwtOptions.MinimumSigningKeyBytes)
        {
            throw new InvalidOperationException(
                $"Jwt:SigningKey must be at least {JwtOptions.MinimumSigningKeyBytes} bytes for HS256.");
        }

        return new SymmetricSecurityKey(bytes);
    }
}
