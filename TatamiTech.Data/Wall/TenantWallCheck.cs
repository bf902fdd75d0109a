using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TatamiTech.Data.Wall;

/// <summary>
/// Readiness: the wall's academy setting reaches every place where a tenant table's statement runs. On one Postgres
/// server it always does; on a distributed database (Citus) a setting made on the coordinator may never reach the
/// worker that runs the statement, and forced row-level security then fails closed and silently: every list empty,
/// every write refused. A process whose wall does not work must not be ready, rather than answer empty pages.
/// Each probe sets an academy, as every request does, and reads the setting back from a statement on
/// a tenant table (<c>students</c>, or another the service's role may read) filtered by that academy, which a distributed
/// database runs where that academy's rows live (its tenant tables are colocated); on Citus there is one probe per node
/// that holds academies' rows (<see cref="WallProbes"/>).
/// <c>/health</c> answers anyone, so callers within <see cref="Reuse"/> of a probe share its result: a flood of probes
/// costs the database one probe a second, not one per request. The process logs when its wall stops working, and
/// why, and when it works again (the orchestrator's readiness probes run it).
/// </summary>
/// <param name="probeTable">The tenant table the probes read: one the service's role is granted.</param>
public sealed partial class TenantWallCheck(
    NpgsqlDataSource dataSource, TimeProvider clock, ILogger<TenantWallCheck> logger, string probeTable = TenantWallCheck.DefaultProbeTable)
    : IHealthCheck
{
    public const string Name = "tenant-wall";

    public const string DefaultProbeTable = "students";

    private static readonly TimeSpan s_reuse = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private (Task<HealthCheckResult> Probe, long StartedAt)? _last;
    private bool _failing;

    /// <summary>How long a probe's result answers later checks.</summary>
    public static TimeSpan Reuse => s_reuse;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> probe;
        lock (_gate)
        {
            if (_last is not { } last || clock.GetElapsedTime(last.StartedAt) >= s_reuse)
            {
                _last = last = (ProbeAndLogAsync(), clock.GetTimestamp());
            }

            probe = last.Probe;
        }

        // The shared probe is bounded by its own timeout, not by the first caller's token.
        return probe.WaitAsync(cancellationToken);
    }

    private async Task<HealthCheckResult> ProbeAndLogAsync()
    {
        HealthCheckResult result;
        try
        {
            result = await ProbeAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException)
        {
            result = HealthCheckResult.Unhealthy("The wall could not be probed: the database did not answer.", exception);
        }

        var failing = result.Status == HealthStatus.Unhealthy;
        bool changed;
        lock (_gate)
        {
            changed = failing != _failing;
            _failing = failing;
        }

        if (changed && failing)
        {
            LogWallFailing(logger, result.Description, result.Exception);
        }
        else if (changed)
        {
            LogWallWorking(logger, result.Description);
        }

        return result;
    }

    private async Task<HealthCheckResult> ProbeAsync()
    {
        using var timeout = new CancellationTokenSource(s_probeTimeout);
        var cancellationToken = timeout.Token;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var probes = await WallProbes.ChooseAsync(connection, cancellationToken);
        foreach (var (node, academy) in probes)
        {
            var seen = await SettingSeenAsync(connection, probeTable, academy, cancellationToken);
            if (seen != academy.ToString())
            {
                return HealthCheckResult.Unhealthy(
                    $"The wall's academy setting did not reach the statement on {node}: {DatabaseWall.TenantSetting} was " +
                    $"'{seen ?? "unset"}' where it ran. Every academy would see no rows there and write none " +
                    "(a distributed database needs the wall's distributed setting: docs/deploying.md).");
            }
        }

        return HealthCheckResult.Healthy($"The wall's academy setting reached {string.Join(", ", probes.Select(p => p.Node))}.");
    }

    private static async Task<string?> SettingSeenAsync(
        NpgsqlConnection connection, string table, Guid academy, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                TenantSetting.ForBatch(academy),
                new NpgsqlBatchCommand(
                    $"SELECT current_setting('{DatabaseWall.TenantSetting}', true), count(*) FROM {table} WHERE tenant_id = $1")
                {
                    Parameters = { new() { Value = academy } },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0) ? null : reader.GetString(0);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The tenant wall is not effective, so this process is not ready: {Reason}")]
    private static partial void LogWallFailing(ILogger logger, string? reason, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The tenant wall is effective: {Detail}")]
    private static partial void LogWallWorking(ILogger logger, string? detail);
}
