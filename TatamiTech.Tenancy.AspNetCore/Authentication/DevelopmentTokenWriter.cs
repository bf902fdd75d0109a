using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TatamiTech.Tenancy.AspNetCore.Authentication;

/// <summary>
/// Signs HS256 tokens with the service's own development key, issuer and audience (the <c>Jwt</c>
/// section): what an identity provider would issue, for Development only.
/// </summary>
public sealed class DevelopmentTokenWriter(IOptions<JwtOptions> options, TimeProvider clock)
{
    public (string Token, DateTimeOffset ExpiresAt) Write(IEnumerable<Claim> claims, TimeSpan lifetime)
    {
        var jwt = options.Value;
        var key = JwtAuthenticationExtensions.CreateSigningKey(
            jwt.SigningKey ?? throw new InvalidOperationException("Development tokens need Jwt:SigningKey."));
        var now = clock.GetUtcNow();
        var expires = now + lifetime;

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });

        return (token, expires);
    }
}
