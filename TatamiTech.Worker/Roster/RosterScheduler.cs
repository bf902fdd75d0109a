using System.Threading.Channels;
using Cronos;
using Microsoft.Extensions.Options;

namespace TatamiTech.Worker.Roster;

/// <summary>Runs the roster job on its schedule, and whenever "run now" asks.</summary>
public sealed partial class RosterScheduler(
    IRosterRun job,
    IOptionsMonitor<RosterReportOptions> options,
    TimeProvider clock,
    ILogger<RosterScheduler> logger) : BackgroundService
{
    // One signal slot and one pending run: however many "run now" calls arrive before the scheduler picks
    // the run up, they all wait for that same run, so callers cannot queue work without bound.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(1);
    private readonly Lock _pendingLock = new();
    private TaskCompletionSource<RosterRunResult>? _pending;

    public RosterRunResult? LastResult { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>
    /// Asks for a run that refreshes today's reports and waits for it; joins the run already asked for
    /// if the scheduler has not started it yet.
    /// </summary>
    public Task<RosterRunResult> RunNowAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<RosterRunResult> pending;
        lock (_pendingLock)
        {
            pending = _pending ??= new TaskCompletionSource<RosterRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _wake.Writer.TryWrite(true);
        return pending.Task.WaitAsync(cancellationToken);
    }

    private TaskCompletionSource<RosterRunResult>? TakePending()
    {
        lock (_pendingLock)
        {
            var pending = _pending;
            _pending = null;
            return pending;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CurrentValue.RunOnStart)
        {
            await RunScheduledAsync(stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = NextDelay();
            // Due by the injected clock, which the cron occurrence is computed from: CancelAfter would time
            // it by the system's, which a clock under test does not move.
            using var due = new CancellationTokenSource(delay, clock);
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, due.Token);
            try
            {
                await _wake.Reader.ReadAsync(wake.Token);
                if (TakePending() is not { } request)
                {
                    continue;
                }

                try
                {
                    request.TrySetResult(await RunAsync(refresh: true, stoppingToken));
                }
                catch (Exception ex)
                {
                    request.TrySetException(ex);
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                await RunScheduledAsync(stoppingToken);
            }
        }
    }

    // A failed run is logged and reported by the health check; the schedule goes on.
    private async Task RunScheduledAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(refresh: false, stoppingToken);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<RosterRunResult> RunAsync(bool refresh, CancellationToken stoppingToken)
    {
        try
        {
            LastResult = await job.RunAsync(refresh, stoppingToken);
            LastError = null;
            return LastResult;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LastError = ex.Message;
            LogRunFailed(logger, ex);
            throw;
        }
    }

    private TimeSpan NextDelay()
    {
        var settings = options.CurrentValue;
        if (string.IsNullOrWhiteSpace(settings.Schedule))
        {
            return settings.Interval;
        }

        var now = clock.GetUtcNow();
        var next = CronExpression.Parse(settings.Schedule).GetNextOccurrence(now, TimeZoneInfo.Utc);
        return next is { } at ? at - now : Timeout.InfiniteTimeSpan;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Roster run failed as a whole")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
