namespace TatamiTech.Names;

/// <summary>Meters the services publish, registered by the service defaults and read by tests.</summary>
public static class TelemetryNames
{
    /// <summary>The tenancy pipeline's refusals.</summary>
    public const string TenancyMeter = "TatamiTech.Tenancy";

    /// <summary>The identity service's tokens issued.</summary>
    public const string IdentityMeter = "TatamiTech.Identity";
}
