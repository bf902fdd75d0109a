using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.Tenancy.Binding;
using TatamiTech.Tenancy;

namespace TatamiTech.Api.DevTokens;

/// <summary>Signs HS256 tokens with the development key; registered in Development only.</summary>
public sealed class DevTokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
{
    public (string Token, DateTimeOffset ExpiresAt) Issue(TenantInfo tenant, string subject, TimeSpan lifetime)
    {
        var jwt = options.Value;
        var key = JwtAuthenticationExtensions.CreateSigningKey(
            jwt.SigningKey ?? throw new InvalidOperationException("Dev tokens need Jwt:SigningKey."));
        var now = clock.GetUtcNow();
        var expires = now + lifetime;

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim(TatamiClaims.Subject, subject),
                new Claim(TatamiClaims.TenantId, tenant.Id.ToString()),
            ]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });

        return (token, expires);
    }
}
