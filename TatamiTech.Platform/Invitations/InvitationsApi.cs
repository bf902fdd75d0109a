using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TatamiTech.Names;
using TatamiTech.Platform.Academies;

namespace TatamiTech.Platform.Invitations;

/// <summary>Invitations to an academy, for operators: a person accepts one on the academy's host (the identity service).</summary>
public static class InvitationsApi
{
    public static WebApplication MapInvitationsApi(this WebApplication app)
    {
        app.MapPost("/academies/{slug}/invitations", Invite).WithTags("Academies").WithName("InviteToAcademy")
            .WithSummary("Invites a person to the academy in a role; the answer holds the invitation's path, shown this once.");
        return app;
    }

    public static async Task<Results<Created<InvitationResponse>, NotFound, ValidationProblem>> Invite(
        string slug, InviteRequest request, InvitationIssuer issuer, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!AcademyRoles.IsKnown(request.Role))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["role"] = [$"One of: {string.Join(", ", AcademyRoles.All)}."] });
        }

        return await issuer.IssueAsync(slug, request.Role!, AcademiesApi.Operator(user), ct) is { } invitation
            ? TypedResults.Created(invitation.Path, invitation)
            : TypedResults.NotFound();
    }
}
