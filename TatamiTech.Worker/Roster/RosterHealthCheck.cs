using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TatamiTech.Worker.Roster;

/// <summary>Healthy once a run has completed; degraded while some academy's report keeps failing.</summary>
internal sealed class RosterHealthCheck(RosterScheduler scheduler) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = (scheduler.LastResult, scheduler.LastError) switch
        {
            (_, { } error) => HealthCheckResult.Unhealthy($"The last roster run failed: {error}"),
            (null, null) => HealthCheckResult.Unhealthy("No roster run has completed yet."),
            ({ } last, null) when last.Count(RosterOutcome.Failed) > 0 =>
                HealthCheckResult.Degraded($"{last.Count(RosterOutcome.Failed)} of {last.Tenants.Count} academies failed in the last run."),
            ({ } last, null) => HealthCheckResult.Healthy($"Last run covered {last.Tenants.Count} academies."),
        };
        return Task.FromResult(result);
    }
}
