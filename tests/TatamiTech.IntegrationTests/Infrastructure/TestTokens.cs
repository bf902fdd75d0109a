using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>Tokens as an identity provider would issue them, and the ways they go wrong.</summary>
public static class TestTokens
{
    /// <summary>A member's token of <paramref name="tenant"/>, as its owner unless another role (or none) is named.</summary>
    public static string For(TestTenant tenant, string subject = "member", string? role = "owner") =>
        Create(tenant.Id.ToString(), subject, role: role);

    public static string Create(
        string? tenantId,
        string subject = "member",
        string signingKey = StackFixture.SigningKey,
        string issuer = StackFixture.Issuer,
        string audience = StackFixture.Audience,
        DateTime? expires = null,
        string? role = "owner")
    {
        var claims = new List<Claim> { new("sub", subject) };
        if (tenantId is not null)
        {
            claims.Add(new Claim("tenant_id", tenantId));
        }

        if (role is not null)
        {
            claims.Add(new Claim("role", role));
        }

        var notAfter = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notAfter.AddMinutes(-20),
            NotBefore = notAfter.AddMinutes(-20),
            Expires = notAfter,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A platform operator's token (or, with another role or none, a token the platform must refuse).</summary>
    public static string Operator(string subject = "operator", string? role = "platform-operator")
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (role is not null)
        {
            claims["role"] = role;
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = StackFixture.Issuer,
            Audience = StackFixture.PlatformAudience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(StackFixture.PlatformSigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A validly signed token whose <c>tenant_id</c> is any JSON value (an array, an object, a number).</summary>
    public static string WithTenantClaim(object tenantId)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = StackFixture.Issuer,
            Audience = StackFixture.Audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = "member", ["tenant_id"] = tenantId, ["role"] = "owner" },
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(StackFixture.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An unsigned token ("alg": "none") with otherwise valid claims.</summary>
    public static string Unsigned(TestTenant tenant)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Base64Url("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64Url(
            $$"""{"sub":"member","tenant_id":"{{tenant.Id}}","iss":"{{StackFixture.Issuer}}","aud":"{{StackFixture.Audience}}","nbf":""" +
            $$"""{{now.AddMinutes(-1).ToUnixTimeSeconds()}},"exp":{{now.AddMinutes(10).ToUnixTimeSeconds()}}}""");
        return $"{header}.{payload}.";
    }

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
}
