namespace TatamiTech.Tenancy.AspNetCore.Observability;

/// <summary>Bound from <c>Tenancy:Metrics</c>: whether request metrics name the academy, and how many at most.</summary>
public sealed class AcademyMetricsOptions
{
    public const string SectionName = "Tenancy:Metrics";

    /// <summary>Adds <c>tenant.slug</c> to <c>http.server.request.duration</c> and the tenancy counters.</summary>
    public bool TagAcademy { get; set; } = true;

    /// <summary>The academies named on metrics per process; the rest are counted as <c>other</c>.</summary>
    public int MaxAcademies { get; set; } = 50;
}
