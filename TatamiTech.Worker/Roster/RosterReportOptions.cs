namespace TatamiTech.Worker.Roster;

/// <summary>Bound from <c>Worker:Roster</c>.</summary>
public sealed class RosterReportOptions
{
    public const string SectionName = "Worker:Roster";

    /// <summary>A cron expression (UTC, five fields). When set it wins over <see cref="Interval"/>.</summary>
    public string? Schedule { get; set; }

    /// <summary>Time between runs when no <see cref="Schedule"/> is set.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How many academies a run handles at once. Each is one round trip, so a few keep Postgres busy; more
    /// only take connections from the pool and queue on the server's cores.
    /// </summary>
    public int MaxAcademiesInFlight { get; set; } = 4;

    /// <summary>Run once as soon as the worker starts.</summary>
    public bool RunOnStart { get; set; } = true;

    /// <summary>Map <c>POST /jobs/roster-reports/run</c> (the dashboard's "run now"). Development only by default.</summary>
    public bool EnableRunEndpoint { get; set; }

    /// <summary>
    /// The secret a run-now caller sends in the <c>X-Run-Key</c> header. With the endpoint enabled and no
    /// key the Worker refuses to start: the endpoint is never open to anyone who can reach the port.
    /// </summary>
    public string? RunKey { get; set; }
}
