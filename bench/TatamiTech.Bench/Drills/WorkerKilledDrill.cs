using System.Diagnostics;
using TatamiTech.Bench.Infrastructure;
using TatamiTech.Bench.Scenarios;

namespace TatamiTech.Bench.Drills;

/// <summary>
/// A Worker killed (SIGKILL) a third of the way through a run: the next run completes every academy,
/// and each has exactly one report for the day.
/// </summary>
internal static class WorkerKilledDrill
{
    public static async Task RunAsync(BenchPostgres postgres, string database, int size, Report report)
    {
        await postgres.ExecuteAsync(database, "DELETE FROM roster_reports");
        int partial;
        await using (var doomed = await WorkerScaling.StartWorkerAsync(postgres, database))
        {
            using var abandon = new CancellationTokenSource();
            var run = WorkerScaling.RunNowAsync(doomed, abandon.Token);
            var deadline = Stopwatch.StartNew();
            while ((partial = (int)await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM roster_reports")) < size / 3)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new InvalidOperationException("The run did not get a third of the way in 5 minutes.");
                }

                await Task.Delay(20);
            }

            await doomed.KillAsync();
            await abandon.CancelAsync();
            try
            {
                await run;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // The process it was talking to is gone.
            }

            partial = (int)await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM roster_reports");
        }

        await using var next = await WorkerScaling.StartWorkerAsync(postgres, database);
        var (elapsed, written) = await WorkerScaling.RunNowAsync(next);
        var wrong = await postgres.ScalarAsync<long>(database, """
            SELECT count(*) FROM tenants t
             WHERE (SELECT count(*) FROM roster_reports r WHERE r.tenant_id = t.id) <> 1
            """);

        report.Row($"drill: Worker killed mid-run ({size:N0} academies)", wrong == 0 ? "PASS" : "FAIL",
            $"{partial} reports when killed; next run wrote or refreshed {written} in {Report.F(elapsed.TotalSeconds, 1)} s; " +
            $"academies without exactly one report: {wrong}");
        if (wrong != 0)
        {
            BenchOutcome.Failed = true;
        }
    }
}
