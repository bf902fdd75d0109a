using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TatamiTech.Worker.Roster;

/// <summary>Healthy once a sweep has completed and the latest one did not fail.</summary>
internal sealed class TenantSweepHealthCheck(TenantSweepState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = (state.CompletedSweeps, state.LastError) switch
        {
            (_, { } error) => HealthCheckResult.Unhealthy($"Last sweep failed: {error}"),
            (0, null) => HealthCheckResult.Unhealthy("No sweep has completed yet."),
            _ => HealthCheckResult.Healthy($"{state.CompletedSweeps} sweeps, last at {state.LastCompletedAt:O}."),
        };
        return Task.FromResult(result);
    }
}
