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
    /// JWT bearer authentication: HS256 with a configured key, or an OIDC authority. With neither the
    /// service refuses to start rather than accept tokens it cannot check.
    /// </summary>
    public static TBuilder AddJwtAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var jwt = builder.Configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();
        builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName);

        var useAuthority = !string.IsNullOrWhiteSpace(jwt.Authority);
        var signingKey = useAuthority || string.IsNullOrWhiteSpace(jwt.SigningKey)
            ? null
            : CreateSigningKey(jwt.SigningKey);
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
                    ValidIssuer = jwt.Issuer,
                    ValidateAudience = true,
                    ValidAudience = jwt.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = jwt.ClockSkew,
                    NameClaimType = TatamiClaims.Subject,
                };

                if (useAuthority)
                {
                    options.Authority = jwt.Authority;
                    options.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                    // The issuer is the one the authority's discovery document names.
                    options.TokenValidationParameters.ValidIssuer = null;
                }
                else
                {
                    options.TokenValidationParameters.IssuerSigningKey = signingKey;
                    options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
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
