using Microsoft.AspNetCore.Http;

namespace TatamiTech.ServiceDefaults.Tenancy;

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

    private static Task Write(HttpContext context, int status, string title, string type) =>
        TypedResults.Problem(statusCode: status, title: title, type: type).ExecuteAsync(context);
}
