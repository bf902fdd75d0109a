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
}

public sealed record TenantRosterOutcome(string Tenant, RosterOutcome Outcome, DateOnly? Period, string? Error);

public sealed record RosterRunResult(IReadOnlyList<TenantRosterOutcome> Tenants, TimeSpan Duration)
{
    public int Count(RosterOutcome outcome) => Tenants.Count(t => t.Outcome == outcome);
}
