using System.Security.Claims;
using Microsoft.Extensions.Options;
using TatamiTech.Tenancy.AspNetCore.Authentication;
using TatamiTech.Tenancy;

namespace TatamiTech.Api.DevTokens;

/// <summary>An academy member's token, signed with the development key; registered in Development only.</summary>
public sealed class DevTokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
{
    private readonly DevelopmentTokenWriter _writer = new(options, clock);

    public (string Token, DateTimeOffset ExpiresAt) Issue(TenantInfo tenant, string subject, string role, TimeSpan lifetime) =>
        _writer.Write(
            [
                new Claim(TatamiClaims.Subject, subject),
                new Claim(TatamiClaims.TenantId, tenant.Id.ToString()),
                new Claim(TatamiClaims.Role, role),
            ],
            lifetime);
}
