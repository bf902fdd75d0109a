using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using TatamiTech.Names;
using TatamiTech.Tenancy.AspNetCore.Authentication;

namespace TatamiTech.Tenancy.AspNetCore.Authorization;

public static class AcademyRolesExtensions
{
    /// <summary>
    /// The roles of the host's academy this endpoint serves: a token of the academy (step 3 has bound it) whose
    /// <c>role</c> is not among them gets 403. An endpoint that declares none is refused to every member by the tests
    /// generated from the routes, so none is left open to every role by omission.
    /// </summary>
    public static TBuilder ForAcademyRoles<TBuilder>(this TBuilder builder, params IReadOnlyList<string> roles)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var role in roles)
        {
            if (!AcademyRoles.IsKnown(role))
            {
                throw new ArgumentException($"'{role}' is not an academy role ({string.Join(", ", AcademyRoles.All)}).", nameof(roles));
            }
        }

        return builder
            .WithMetadata(new AcademyRolesMetadata(roles))
            .RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(TatamiClaims.Role, roles));
    }
}
