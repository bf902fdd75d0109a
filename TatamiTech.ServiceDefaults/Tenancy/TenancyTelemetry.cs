using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TatamiTech.ServiceDefaults.Tenancy;

/// <summary>Names and instruments shared by everything that reports on tenancy.</summary>
public static class TenancyTelemetry
{
    public const string MeterName = "TatamiTech.Tenancy";
    public const string ActivitySourceName = "TatamiTech.Tenancy";
    public const string TenantSlugTag = "tenant.slug";
    public const string TenantIdTag = "tenant.id";
    public const string RejectionsInstrument = "tatamitech.tenancy.rejections";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private static readonly Meter s_meter = new(MeterName);

    private static readonly Counter<long> s_rejections = s_meter.CreateCounter<long>(
        RejectionsInstrument,
        unit: "{request}",
        description: "Requests refused by the tenancy pipeline, by reason.");

    internal static void CountRejection(TenantRejectionReason reason) =>
        s_rejections.Add(1, new KeyValuePair<string, object?>("reason", reason.ToTag()));
}
