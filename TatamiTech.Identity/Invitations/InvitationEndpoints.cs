using System.Net;
using System.Text;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.Identity.Invitations;

/// <summary>
/// Where a person accepts an invitation, on its academy's host: GET shows the form (email, and a password: a new one
/// for a new account, the account's own otherwise), POST makes them a member. A wrong password, a used, expired or other
/// academy's invitation all show the same page.
/// </summary>
public static class InvitationEndpoints
{
    public static WebApplication MapInvitationEndpoints(this WebApplication app)
    {
        var invitations = app.MapGroup(ServicePaths.IdentityInvitations).ExcludeFromDescription();
        invitations.MapGet("/{token}", ShowAsync);
        invitations.MapPost("/{token}", AcceptAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ShowAsync(
        string token, InvitationAcceptance acceptance, ITenantContext tenants, CancellationToken ct) =>
        await acceptance.FindOpenAsync(token, ct) is { } invitation
            ? Page(tenants.Required.Name, $"Join as {invitation.Role}", form: true, StatusCodes.Status200OK)
            : NotValid(tenants.Required.Name);

    private static async Task<IResult> AcceptAsync(
        string token, HttpContext context, InvitationAcceptance acceptance, ITenantContext tenants, CancellationToken ct)
    {
        var academy = tenants.Required.Name;
        if (!context.Request.HasFormContentType)
        {
            return NotValid(academy);
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(ct);
        }
        catch (InvalidDataException)
        {
            // A form the framework cannot read (a multipart body without its boundary, too many or too long fields).
            return NotValid(academy);
        }

        return await acceptance.AcceptAsync(token, form["email"], form["password"], ct) switch
        {
            AcceptanceOutcome.Accepted => Page(
                academy, "You are a member now: sign in from the academy's app.", form: false, StatusCodes.Status200OK),
            AcceptanceOutcome.WeakPassword => Page(
                academy, $"Choose a password of at least {InvitationAcceptance.MinPasswordLength} characters.", form: true,
                StatusCodes.Status400BadRequest),
            AcceptanceOutcome.AlreadyMember => Page(
                academy, "You are already a member of this academy; the invitation is left for someone else.", form: false,
                StatusCodes.Status409Conflict),
            _ => NotValid(academy),
        };
    }

    private static IResult NotValid(string academy) =>
        Page(academy, "This invitation is not valid: it was used, it expired, or it is not this academy's.", form: false,
            StatusCodes.Status404NotFound);

    private static IResult Page(string academy, string message, bool form, int status)
    {
        var html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(academy)).Append("</title></head><body><main><h1>")
            .Append(WebUtility.HtmlEncode(academy)).Append("</h1><p>").Append(WebUtility.HtmlEncode(message)).Append("</p>");
        if (form)
        {
            html.Append("<form method=\"post\"><label>Email <input name=\"email\" type=\"email\" required></label>")
                .Append("<label>Password <input name=\"password\" type=\"password\" required></label>")
                .Append("<button type=\"submit\">Join</button></form>");
        }

        return Results.Content(html.Append("</main></body></html>").ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
