using System.Diagnostics.Metrics;

namespace TatamiTech.ServiceDefaults.Tenancy.Observability;

/// <summary>The tenancy pipeline's meter: refusals counted by reason, so probing shows on a chart.</summary>
public static class TenancyTelemetry
{
    public const string MeterName = "TatamiTech.Tenancy";
    public const string RejectionsInstrument = "tatamitech.tenancy.rejections";

    private static readonly Meter s_meter = new(MeterName);

    private static readonly Counter<long> s_rejections = s_meter.CreateCounter<long>(
        RejectionsInstrument,
        unit: "{request}",
        description: "Requests refused by the tenancy pipeline, by reason.");

    internal static void CountRejection(TenantRejectionReason reason) =>
        s_rejections.Add(1, new KeyValuePair<string, object?>("reason", reason.ToTag()));
}
