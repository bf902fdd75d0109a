using System.Diagnostics.Metrics;
using TatamiTech.Names;

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
}
