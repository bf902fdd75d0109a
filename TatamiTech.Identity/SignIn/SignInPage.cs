using System.Net;
using System.Text;

namespace TatamiTech.Identity.SignIn;

/// <summary>
/// The academy's sign-in form: the authorization request's parameters ride along as hidden fields, so that the form's
/// POST is the same request with the person's email and password added.
/// </summary>
internal static class SignInPage
{
    public const string EmailField = "email";
    public const string PasswordField = "password";

    public static IResult Render(string academyName, IEnumerable<KeyValuePair<string, string?>> parameters, bool failed)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to ")
            .Append(WebUtility.HtmlEncode(academyName))
            .Append("</title></head><body><main><h1>Sign in to ").Append(WebUtility.HtmlEncode(academyName)).Append("</h1>");
        if (failed)
        {
            html.Append("<p role=\"alert\">That email and password do not sign in to this academy.</p>");
        }

        html.Append("<form method=\"post\">");
        foreach (var (name, value) in parameters)
        {
            if (name is EmailField or PasswordField || value is null)
            {
                continue;
            }

            html.Append("<input type=\"hidden\" name=\"").Append(WebUtility.HtmlEncode(name))
                .Append("\" value=\"").Append(WebUtility.HtmlEncode(value)).Append("\">");
        }

        html.Append("<label>Email <input name=\"").Append(EmailField).Append("\" type=\"email\" autocomplete=\"username\" required></label>")
            .Append("<label>Password <input name=\"").Append(PasswordField)
            .Append("\" type=\"password\" autocomplete=\"current-password\" required></label>")
            .Append("<button type=\"submit\">Sign in</button></form></main></body></html>");

        // A failed sign-in is an expected outcome, answered with the form again, not an error.
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status200OK);
    }
}
