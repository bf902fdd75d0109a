using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TatamiTech.Worker.Roster;

namespace TatamiTech.IntegrationTests.Worker.Roster;

/// <summary>
/// "Run now" with the run held open, so which calls share a run does not depend on how fast a machine is:
/// the stack's own run-now endpoint is covered by <see cref="RosterRunNowShould"/>.
/// </summary>
public sealed class RosterSchedulerShould
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task JoinEveryCallMadeDuringARunIntoTheOneRunAfterIt()
    {
        var job = new HeldRuns();
        var scheduler = new RosterScheduler(
            job, new FixedOptions(new RosterReportOptions { RunOnStart = false, Interval = TimeSpan.FromHours(1) }),
            TimeProvider.System, NullLogger<RosterScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            var first = scheduler.RunNowAsync(CancellationToken.None);
            Assert.Equal(1, await job.NextStartAsync());

            var during = Enumerable.Range(0, 7).Select(_ => scheduler.RunNowAsync(CancellationToken.None)).ToList();
            job.Finish(1);
            Assert.Equal(1, (await first.WaitAsync(s_patience)).Duration.TotalSeconds);

            Assert.Equal(2, await job.NextStartAsync());
            job.Finish(2);
            var joined = await Task.WhenAll(during).WaitAsync(s_patience);

            Assert.All(joined, result => Assert.Equal(2, result.Duration.TotalSeconds));
            Assert.Same(joined[0], joined[^1]);
            Assert.Equal(2, job.Started);
        }
        finally
        {
            job.FinishAll();
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Runs that each wait to be told to finish; run n answers a duration of n seconds.</summary>
    private sealed class HeldRuns : IRosterRun
    {
        private readonly Channel<int> _starts = Channel.CreateUnbounded<int>();
        private readonly List<TaskCompletionSource> _finishes = [];
        private readonly Lock _lock = new();

        public int Started { get; private set; }

        public async Task<RosterRunResult> RunAsync(bool refresh, CancellationToken cancellationToken)
        {
            TaskCompletionSource finish;
            int run;
            lock (_lock)
            {
                run = ++Started;
                finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _finishes.Add(finish);
            }

            _starts.Writer.TryWrite(run);
            await finish.Task.WaitAsync(cancellationToken);
            return new RosterRunResult([], TimeSpan.FromSeconds(run));
        }

        public async Task<int> NextStartAsync() => await _starts.Reader.ReadAsync().AsTask().WaitAsync(s_patience);

        public void Finish(int run)
        {
            lock (_lock)
            {
                _finishes[run - 1].TrySetResult();
            }
        }

        public void FinishAll()
        {
            lock (_lock)
            {
                _finishes.ForEach(finish => finish.TrySetResult());
            }
        }
    }

    private sealed class FixedOptions(RosterReportOptions value) : IOptionsMonitor<RosterReportOptions>
    {
        public RosterReportOptions CurrentValue => value;

        public RosterReportOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RosterReportOptions, string?> listener) => null;
    }
}
