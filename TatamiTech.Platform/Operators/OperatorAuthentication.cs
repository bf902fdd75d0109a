using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using TatamiTech.Tenancy.AspNetCore.Authentication;

namespace TatamiTech.Platform.Operators;

public static class OperatorAuthentication
{
    /// <summary>
    /// Bearer tokens for the audience <c>tatamitech-platform</c> (the <c>Jwt</c> section) carrying
    /// <c>role: platform-operator</c>, required by every endpoint that does not opt out. An academy's token
    /// is for another audience and is signed with another key: it never authenticates here.
    /// </summary>
    public static readonly AuthorizationPolicy OperatorPolicy = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser()
        .RequireClaim(TatamiClaims.Role, TatamiClaims.PlatformOperatorRole)
        .Build();

    public static TBuilder AddOperatorAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddJwtAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(OperatorPolicy)
            .SetFallbackPolicy(OperatorPolicy);
        return builder;
    }
}
