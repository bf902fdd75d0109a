namespace TatamiTech.Worker.Roster;

public enum RosterOutcome
{
    /// <summary>The report was written in this run.</summary>
    Written,

    /// <summary>The day's report already existed.</summary>
    AlreadyDone,

    /// <summary>Another worker holds this academy's claim for the day.</summary>
    ClaimedElsewhere,

    /// <summary>It failed; a later run tries again.</summary>
    Failed,

    /// <summary>The academy is suspended: skipped.</summary>
    Suspended,
}

public sealed record TenantRosterOutcome(string Tenant, RosterOutcome Outcome, DateOnly? Period, string? Error);

public sealed record RosterRunResult(IReadOnlyList<TenantRosterOutcome> Tenants, TimeSpan Duration)
{
    public int Count(RosterOutcome outcome) => Tenants.Count(t => t.Outcome == outcome);
}

/// <summary>
/// What "run now" answers: counts only. Which academies were handled, and why one failed, is in the
/// Worker's logs and traces, not in a response.
/// </summary>
public sealed record RosterRunSummary(
    int Academies, int Written, int AlreadyDone, int ClaimedElsewhere, int Failed, int Suspended, double DurationSeconds)
{
    public static RosterRunSummary Of(RosterRunResult result) => new(
        result.Tenants.Count,
        result.Count(RosterOutcome.Written),
        result.Count(RosterOutcome.AlreadyDone),
        result.Count(RosterOutcome.ClaimedElsewhere),
        result.Count(RosterOutcome.Failed),
        result.Count(RosterOutcome.Suspended),
        Math.Round(result.Duration.TotalSeconds, 3));
}
