using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TatamiTech.Data.Wall;

/// <summary>
/// Readiness: the wall's academy setting reaches the place where a tenant table's statement runs. On one Postgres
/// server it always does; on a distributed database (Citus) a setting made on the coordinator may never reach the
/// worker that runs the statement, and forced row-level security then fails closed and silently: every list empty,
/// every write refused. A process whose wall does not work must not be ready, rather than answer empty pages.
/// The probe sets a random academy, as every request does, and reads the setting back from a statement on
/// <c>students</c> filtered by that academy, which a distributed database runs where that academy's rows live.
/// <c>/health</c> answers anyone, so callers within <see cref="Reuse"/> of a probe share its result: a flood of probes
/// costs the database one probe a second, not one per request.
/// </summary>
public sealed class TenantWallCheck(NpgsqlDataSource dataSource, TimeProvider clock) : IHealthCheck
{
    public const string Name = "tenant-wall";

    private static readonly TimeSpan s_reuse = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private (Task<HealthCheckResult> Probe, long StartedAt)? _last;

    /// <summary>How long a probe's result answers later checks.</summary>
    public static TimeSpan Reuse => s_reuse;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> probe;
        lock (_gate)
        {
            if (_last is not { } last || clock.GetElapsedTime(last.StartedAt) >= s_reuse)
            {
                _last = last = (ProbeAsync(), clock.GetTimestamp());
            }

            probe = last.Probe;
        }

        // The shared probe is bounded by its own timeout, not by the first caller's token.
        return probe.WaitAsync(cancellationToken);
    }

    private async Task<HealthCheckResult> ProbeAsync()
    {
        using var timeout = new CancellationTokenSource(s_probeTimeout);
        var cancellationToken = timeout.Token;
        var probe = Guid.NewGuid();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                TenantSetting.ForBatch(probe),
                new NpgsqlBatchCommand(
                    $"SELECT current_setting('{DatabaseWall.TenantSetting}', true), count(*) FROM students WHERE tenant_id = $1")
                {
                    Parameters = { new() { Value = probe } },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var seen = reader.IsDBNull(0) ? null : reader.GetString(0);
        return seen == probe.ToString()
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(
                $"The wall's academy setting did not reach the statement: {DatabaseWall.TenantSetting} was " +
                $"'{seen ?? "unset"}' where it ran. Every academy would see no rows and write none " +
                "(a distributed database needs the wall's distributed setting: docs/deploying.md).");
    }
}
