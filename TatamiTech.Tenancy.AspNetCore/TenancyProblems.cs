using Microsoft.AspNetCore.Http;

namespace TatamiTech.Tenancy.AspNetCore;

/// <summary>
/// The pipeline's refusals as RFC 9457 problem details. Bodies are deliberately generic: they never
/// say whether another academy or record exists.
/// </summary>
internal static class TenancyProblems
{
    public static Task NotFound(HttpContext context) =>
        Write(context, StatusCodes.Status404NotFound, "Not Found", "https://tools.ietf.org/html/rfc9110#section-15.5.5");

    public static Task Forbidden(HttpContext context) =>
        Write(context, StatusCodes.Status403Forbidden, "Forbidden", "https://tools.ietf.org/html/rfc9110#section-15.5.4");

    /// <summary>The academy exists but the platform suspended it: a 403 of its own type, also for valid tokens.</summary>
    public const string AcademySuspendedType = "https://tatamitech.com/problems/academy-suspended";

    public static Task AcademySuspended(HttpContext context) =>
        Write(context, StatusCodes.Status403Forbidden, "Academy suspended", AcademySuspendedType);

    /// <summary>The service is starting and has not read the academy directory yet: try again shortly.</summary>
    public static Task DirectoryNotLoaded(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Write(
            context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "https://tools.ietf.org/html/rfc9110#section-15.6.4");
    }

    private static Task Write(HttpContext context, int status, string title, string type) =>
        TypedResults.Problem(statusCode: status, title: title, type: type).ExecuteAsync(context);
}
