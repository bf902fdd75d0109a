using System.Diagnostics.Metrics;
using TatamiTech.Names;
using TatamiTech.Tenancy.AspNetCore.Observability;
using TatamiTech.Tenancy.AspNetCore.Resolution;

namespace TatamiTech.Identity;

/// <summary>Tokens issued, by grant; refusals are counted with the tenancy pipeline's (<c>tatamitech.tenancy.rejections</c>).</summary>
internal static class IdentityTelemetry
{
    public const string MeterName = TelemetryNames.IdentityMeter;
    public const string IssuedInstrument = "tatamitech.identity.tokens_issued";
    public const string ClientCredentials = "client_credentials";
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";

    private static readonly Meter s_meter = new(MeterName);

    private static readonly Counter<long> s_issued = s_meter.CreateCounter<long>(
        IssuedInstrument, unit: "{token}", description: "Tokens issued by the identity service, by grant.");

    public static void CountIssued(string grant) => s_issued.Add(1, new KeyValuePair<string, object?>("grant", grant));

    /// <summary>
    /// A refusal, counted with the tenancy pipeline's under the request's bounded academy tag (a name already given, or
    /// <c>other</c>): sign-in callers are strangers, and must not claim one time series per academy.
    /// </summary>
    public static void CountRefusal(TenantRejectionReason reason, IHttpContextAccessor http) =>
        TenancyTelemetry.CountRejection(reason, http.HttpContext is { } context ? ResolvedTenant.MetricTagOf(context) : null);
}
