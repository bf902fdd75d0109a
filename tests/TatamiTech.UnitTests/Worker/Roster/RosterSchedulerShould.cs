using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TatamiTech.UnitTests.Infrastructure;
using TatamiTech.Worker.Roster;

namespace TatamiTech.UnitTests.Worker.Roster;

/// <summary>
/// When the scheduled runs come, on a clock the test moves: at start if asked, then every
/// <see cref="RosterReportOptions.Interval"/>, or at each occurrence of the cron <see cref="RosterReportOptions.Schedule"/>
/// in UTC. The clock's own zone is set far from UTC, so a schedule read in any other zone is caught.
/// </summary>
public sealed class RosterSchedulerShould
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task RunAtStartThenEveryThirtyMinutesByDefault()
    {
        var options = new RosterReportOptions();
        Assert.True(options.RunOnStart);

        await using var run = await ScheduledAsync(options, new WatchedClock());

        await run.Job.NextStartAsync();
        await run.Clock.NextWaitAsync();
        await run.ExpectNoRunAfterAsync(TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(1));

        run.Clock.Advance(TimeSpan.FromSeconds(1));
        await run.Job.NextStartAsync();
        Assert.Equal(2, run.Job.Started);
    }

    [Fact]
    public async Task RunNothingAtStartWhenRunOnStartIsOff()
    {
        var options = new RosterReportOptions { RunOnStart = false, Interval = TimeSpan.FromMinutes(10) };

        await using var run = await ScheduledAsync(options, new WatchedClock());

        // Waiting for the first interval is the scheduler past the point where it runs at start.
        await run.Clock.NextWaitAsync();
        Assert.Equal(0, run.Job.Started);

        run.Clock.Advance(options.Interval);
        await run.Job.NextStartAsync();
        Assert.Equal(1, run.Job.Started);
    }

    [Fact]
    public async Task RunAtTheNextOccurrenceOfTheCronScheduleInUtc()
    {
        var clock = new WatchedClock(new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero));
        clock.SetLocalTimeZone(TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        var options = new RosterReportOptions { RunOnStart = false, Schedule = "0 3 * * *", Interval = TimeSpan.FromMinutes(1) };

        await using var run = await ScheduledAsync(options, clock);

        await clock.NextWaitAsync();
        await run.ExpectNoRunAfterAsync(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));

        clock.Advance(TimeSpan.FromSeconds(1));
        await run.Job.NextStartAsync();
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 3, 0, 0, TimeSpan.Zero), clock.GetUtcNow());

        // The next one is a day later, not an interval later.
        await clock.NextWaitAsync();
        await run.ExpectNoRunAfterAsync(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        await run.Job.NextStartAsync();
    }

    private static async Task<ScheduledRuns> ScheduledAsync(RosterReportOptions options, WatchedClock clock)
    {
        var job = new CountedRuns();
        var scheduler = new RosterScheduler(job, new FixedOptions(options), clock, NullLogger<RosterScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        return new ScheduledRuns(scheduler, job, clock);
    }

    private sealed record ScheduledRuns(RosterScheduler Scheduler, CountedRuns Job, WatchedClock Clock) : IAsyncDisposable
    {
        /// <summary>Moves the clock and gives a run that should not come the time to come anyway.</summary>
        public async Task ExpectNoRunAfterAsync(TimeSpan advance)
        {
            var before = Job.Started;
            Clock.Advance(advance);
            await Task.Delay(s_quiet);
            Assert.Equal(before, Job.Started);
        }

        public async ValueTask DisposeAsync() => await Scheduler.StopAsync(CancellationToken.None);
    }

    /// <summary>Runs that finish at once and report each start.</summary>
    private sealed class CountedRuns : IRosterRun
    {
        private readonly Channel<int> _starts = Channel.CreateUnbounded<int>();
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public Task<RosterRunResult> RunAsync(bool refresh, CancellationToken cancellationToken)
        {
            _starts.Writer.TryWrite(Interlocked.Increment(ref _started));
            return Task.FromResult(new RosterRunResult([], TimeSpan.Zero));
        }

        public async Task NextStartAsync() => await _starts.Reader.ReadAsync().AsTask().WaitAsync(s_patience);
    }

    private sealed class FixedOptions(RosterReportOptions value) : IOptionsMonitor<RosterReportOptions>
    {
        public RosterReportOptions CurrentValue => value;

        public RosterReportOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RosterReportOptions, string?> listener) => null;
    }
}
