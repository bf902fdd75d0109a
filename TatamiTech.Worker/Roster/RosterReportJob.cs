using System.Diagnostics;
using TatamiTech.Tenancy;

namespace TatamiTech.Worker.Roster;

/// <summary>
/// Writes every academy's roster report for its current day, one academy per unit of work, each in
/// its own tenant scope. The tenant list is the only cross-tenant read; one academy's failure is
/// logged, counted and left for the next run, and the others go on.
/// </summary>
public sealed partial class RosterReportJob(
    IServiceProvider services,
    ITenantDirectory directory,
    TimeProvider clock,
    ILogger<RosterReportJob> logger)
{
    public async Task<RosterRunResult> RunAsync(bool refresh, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var outcomes = new List<TenantRosterOutcome>();

        foreach (var tenant in await directory.ListAsync(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (tenant.Suspended)
            {
                // A suspended academy gets no new reports; its data stays as it was until resumed or erased.
                RosterTelemetry.TenantsSkipped.Add(1);
                outcomes.Add(new TenantRosterOutcome(tenant.Slug, RosterOutcome.Suspended, null, null));
                continue;
            }

            outcomes.Add(await RunForTenantAsync(tenant, now, refresh, cancellationToken));
        }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Roster report written for {Period}")]
    private static partial void LogWritten(ILogger logger, DateOnly period);

    [LoggerMessage(Level = LogLevel.Error, Message = "Roster report failed; the next run retries it")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Roster run over {Tenants} academies: {Written} written, {Skipped} already done, {Failed} failed in {ElapsedMs:0} ms")]
    private static partial void LogRun(ILogger logger, int tenants, int written, int skipped, int failed, double elapsedMs);
}
