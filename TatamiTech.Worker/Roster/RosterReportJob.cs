using System.Diagnostics;
using Microsoft.Extensions.Options;
using TatamiTech.Tenancy;

namespace TatamiTech.Worker.Roster;

/// <summary>
/// Writes every academy's roster report for its current day, one academy per unit of work, each in
/// its own tenant scope, a bounded number at once. The tenant list is the only cross-tenant read; one academy's failure is
/// logged, counted and left for the next run, and the others go on.
/// </summary>
public sealed partial class RosterReportJob(
    IServiceProvider services,
    ITenantDirectory directory,
    IOptions<RosterReportOptions> options,
    TimeProvider clock,
    ILogger<RosterReportJob> logger) : IRosterRun
{
    public async Task<RosterRunResult> RunAsync(bool refresh, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var tenants = await directory.ListAsync(cancellationToken);
        var outcomes = new TenantRosterOutcome[tenants.Count];

        // A bounded number of academies in flight: each waits on its own round trip, so a few at once keep the
        // database busy, and the bound keeps the job's share of the connection pool and of Postgres fixed
        // however many academies there are.
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Value.MaxAcademiesInFlight,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, tenants.Count), parallel, async (index, ct) =>
        {
            var tenant = tenants[index];
            if (tenant.Suspended)
            {
                // A suspended academy gets no new reports; its data stays as it was until resumed or erased.
                RosterTelemetry.TenantsSkipped.Add(1);
                outcomes[index] = new TenantRosterOutcome(tenant.Slug, RosterOutcome.Suspended, null, null);
                return;
            }

            outcomes[index] = await RunForTenantAsync(tenant, now, refresh, ct);
        });

        var result = new RosterRunResult(outcomes, Stopwatch.GetElapsedTime(started));
        RosterTelemetry.RunDuration.Record(result.Duration.TotalSeconds);
        LogRun(
            logger,
            result.Tenants.Count,
            result.Count(RosterOutcome.Written),
            result.Count(RosterOutcome.AlreadyDone) + result.Count(RosterOutcome.ClaimedElsewhere),
            result.Count(RosterOutcome.Failed),
            result.Duration.TotalMilliseconds);
        return result;
    }

    private async Task<TenantRosterOutcome> RunForTenantAsync(
        TenantInfo tenant,
        DateTimeOffset now,
        bool refresh,
        CancellationToken cancellationToken)
    {
        using var activity = RosterTelemetry.ActivitySource.StartActivity("roster-report");
        await using var scope = TenantScope.Create(services, tenant);
        try
        {
            var writer = scope.Services.GetRequiredService<TenantRosterWriter>();
            var (outcome, period) = await writer.WriteAsync(now, refresh, cancellationToken);
            activity?.SetTag("roster.outcome", outcome.ToString());
            if (outcome == RosterOutcome.Written)
            {
                RosterTelemetry.TenantsProcessed.Add(1);
                LogWritten(logger, period);
            }

            return new TenantRosterOutcome(tenant.Slug, outcome, period, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            RosterTelemetry.TenantsFailed.Add(1);
            LogFailed(logger, ex);
            return new TenantRosterOutcome(tenant.Slug, RosterOutcome.Failed, null, ex.Message);
        }
    }

    // Debug: at ten thousand academies an Information record each would drown the run's own summary line;
    // each academy's span carries its outcome, and a failure is an Error record with the academy's slug.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Roster report written for {Period}")]
    private static partial void LogWritten(ILogger logger, DateOnly period);

    [LoggerMessage(Level = LogLevel.Error, Message = "Roster report failed; the next run retries it")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Roster run over {Tenants} academies: {Written} written, {Skipped} already done, {Failed} failed in {ElapsedMs:0} ms")]
    private static partial void LogRun(ILogger logger, int tenants, int written, int skipped, int failed, double elapsedMs);
}
