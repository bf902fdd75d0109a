using System.Diagnostics.Metrics;
using TatamiTech.Names;

namespace TatamiTech.Tenancy.AspNetCore.Observability;

/// <summary>The tenancy pipeline's meter: refusals counted by reason, so probing shows on a chart.</summary>
public static class TenancyTelemetry
{
    public const string MeterName = TelemetryNames.TenancyMeter;
    public const string RejectionsInstrument = "tatamitech.tenancy.rejections";

    private static readonly Meter s_meter = new(MeterName);

    private static readonly Counter<long> s_rejections = s_meter.CreateCounter<long>(
        RejectionsInstrument,
        unit: "{request}",
        description: "Requests refused by the tenancy pipeline, by reason.");

    /// <param name="academy">The academy's metric tag when the refused request named a known one.</param>
    public static void CountRejection(TenantRejectionReason reason, string? academy = null)
    {
        if (academy is null)
        {
            s_rejections.Add(1, new KeyValuePair<string, object?>("reason", reason.ToTag()));
        }
        else
        {
            s_rejections.Add(
                1,
                new KeyValuePair<string, object?>("reason", reason.ToTag()),
                new KeyValuePair<string, object?>(TenantTags.Slug, academy));
        }
    }
}
