namespace TatamiTech.Worker.Roster;

/// <summary>One run of the roster job over every academy; what the scheduler starts, on time or on request.</summary>
public interface IRosterRun
{
    Task<RosterRunResult> RunAsync(bool refresh, CancellationToken cancellationToken);
}
