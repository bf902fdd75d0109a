namespace TatamiTech.Worker.Roster;

/// <summary>Bound from <c>Worker:Sweep</c>.</summary>
public sealed class TenantSweepOptions
{
    public const string SectionName = "Worker:Sweep";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}
