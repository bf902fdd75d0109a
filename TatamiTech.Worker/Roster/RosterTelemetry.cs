using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TatamiTech.Worker.Roster;

internal static class RosterTelemetry
{
    public const string Name = "TatamiTech.Worker.Roster";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter s_meter = new(Name);

    public static readonly Counter<long> TenantsProcessed = s_meter.CreateCounter<long>(
        "tatamitech.roster.tenants_processed", "{tenant}", "Academies whose roster report was written.");

    public static readonly Counter<long> TenantsFailed = s_meter.CreateCounter<long>(
        "tatamitech.roster.tenants_failed", "{tenant}", "Academies whose roster report failed; retried on a later run.");

    public static readonly Counter<long> TenantsSkipped = s_meter.CreateCounter<long>(
        "tatamitech.roster.tenants_skipped", "{tenant}", "Academies skipped because the platform suspended them.");

    public static readonly Histogram<double> RunDuration = s_meter.CreateHistogram<double>(
        "tatamitech.roster.run.duration", "s", "Time of a whole run over every academy.");
}
