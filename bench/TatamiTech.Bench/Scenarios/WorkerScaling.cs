using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TatamiTech.Bench.Infrastructure;
using TatamiTech.Data;
using TatamiTech.MigrationService;
using TatamiTech.Names;

namespace TatamiTech.Bench.Scenarios;

/// <summary>
/// 3. The roster job over many academies: the Worker (Release build, its own process, one core) runs
/// it through its "run now" endpoint, one tenant scope and one transaction per academy. Compared with
/// the floor: one set-based SQL aggregation over every academy at once, which is what per-tenant
/// iteration gives up for its isolation and failure containment.
/// </summary>
internal static class WorkerScaling
{
    public const int StudentsPerAcademy = 100;

    /// <summary>A per-tenant run may take at most this many times the set-based floor (1,000 academies and up).</summary>
    private const double FloorTarget = 3.0;

    /// <summary>The Worker's peak resident set at 10,000 academies, in MB.</summary>
    private const double MemoryTargetMb = 200;

    /// <summary>Refreshes by the Worker, each beside a run of the floor, after run 1 (which writes and pays for the JIT).</summary>
    private const int Rounds = 6;

    /// <returns>The database of 1,000 academies, for the killed-worker drill.</returns>
    public static async Task<string> RunAsync(BenchPostgres postgres, BenchOptions options, Report report)
    {
        string? thousand = null;
        int[] sizes = options.Quick || postgres.IsCitus ? [100, 1_000] : [100, 1_000, 10_000];
        report.Section(postgres.IsCitus ? "3c. Worker scaling on Citus" : "3. Worker scaling",
            $"Roster report over N academies of {StudentsPerAcademy} students, each size in its own database; " +
            "run 1 writes every report (and pays for the Worker's JIT); then " +
            $"{Rounds} rounds, each a refresh of every report by the Worker and a run of the floor, in turn, whichever first " +
            "alternating: the ratio is the median of the rounds' own ratios, [lowest-highest] beside it. " +
            "A bounded number of academies in flight (Worker:Roster:MaxAcademiesInFlight, 4), one statement each. " +
            "Memory: the Worker's resident set (VmHWM/VmRSS). " +
            "Floor: one INSERT ... SELECT ... GROUP BY tenant_id over all academies, as the owner, into a table made beforehand, " +
            "on a connection opened beforehand, the table emptied after each run, untimed. Before each round, untimed: " +
            "VACUUM roster_reports (autovacuum is off; jit, parallel plans and checkpoints too, for both sides).");
        foreach (var size in sizes)
        {
            var database = await PrepareAsync(postgres, size);
            thousand = size == 1_000 ? database : thousand;
            await using var worker = await StartWorkerAsync(postgres, database);
            await using var floor = await SetBasedFloor.CreateAsync(postgres, database);
            var idle = worker.Memory();
            var (first, written) = await RunNowAsync(worker);
            CheckWritten(size, written);

            var (runs, floors) = (new List<TimeSpan>(), new List<TimeSpan>());
            var (workerCpu, postgresCpu) = (TimeSpan.Zero, TimeSpan.Zero);
            for (var round = 0; round < Rounds; round++)
            {
                // Each refresh leaves a dead version of every report: removed before each round, untimed, so that
                // every round starts from the same table (autovacuum is off on the bench's servers).
                await postgres.ExecuteAsync(database, "VACUUM roster_reports");
                if (round % 2 == 1)
                {
                    floors.Add(await floor.TimeAsync());
                }

                var cpuBefore = (Shell.CpuTime(worker.Pid), postgres.ServerCpuTime());
                var (elapsed, refreshed) = await RunNowAsync(worker);
                workerCpu += Shell.CpuTime(worker.Pid) - cpuBefore.Item1;
                postgresCpu += postgres.ServerCpuTime() - cpuBefore.Item2;
                CheckWritten(size, refreshed);
                runs.Add(elapsed);
                if (round % 2 == 0)
                {
                    floors.Add(await floor.TimeAsync());
                }
            }

            var peak = worker.Memory();
            report.Row($"{size:N0} academies: run 1 (writes)", $"{Report.F(first.TotalSeconds, 2)} s",
                $"{Report.F(first.TotalMilliseconds / size, 2)} ms per academy");
            report.Row($"{size:N0} academies: refresh, median of {Rounds}", $"{Report.F(Stats.Median(runs).TotalSeconds, 2)} s",
                $"{Report.F(Stats.Median(runs).TotalMilliseconds / size, 2)} ms per academy");
            report.Row($"{size:N0} academies: CPU per academy, Worker / Postgres",
                $"{Report.F(workerCpu.TotalMicroseconds / (Rounds * size), 0)} / " +
                $"{Report.F(postgresCpu.TotalMicroseconds / (Rounds * size), 0)} us",
                "refreshes; whichever is near the run's time per academy is the bottleneck");
            var peakMb = peak.PeakKb / 1024.0;
            report.Row($"{size:N0} academies: Worker memory, idle -> peak", $"{idle.CurrentKb / 1024} -> {peakMb:F0} MB",
                Report.Verdict(peakMb, size >= 10_000 ? MemoryTargetMb : null, atMost: true));
            report.Row($"{size:N0} academies: set-based floor, median of {Rounds}",
                $"{Report.F(Stats.Median(floors).TotalMilliseconds, 0)} ms");

            var ratios = runs.Zip(floors, (run, set) => run / set).Order().ToList();
            report.Row($"{size:N0} academies: per-tenant refresh / floor",
                $"{Report.F(Stats.Median(ratios), 1)}x [{Report.F(ratios[0], 1)}-{Report.F(ratios[^1], 1)}]",
                Report.Verdict(Stats.Median(ratios), size >= 1_000 ? FloorTarget : null, atMost: true));
        }

        report.EndSection();
        return thousand!;
    }

    private static void CheckWritten(int size, int written)
    {
        if (written != size)
        {
            throw new InvalidOperationException($"A run over {size} academies wrote {written} reports.");
        }
    }

    /// <summary>A migrated database of its own with <paramref name="size"/> academies of 100 students.</summary>
    internal static async Task<string> PrepareAsync(BenchPostgres postgres, int size)
    {
        var database = await CreateDatabaseAsync(postgres, size);
        await BenchTenants.CreateAsync(postgres, database, "wk", size, StudentsPerAcademy);

        // The database as autovacuum leaves a live one, not as a bulk load leaves it: planner statistics, and a
        // visibility map that lets the roster's index-only scans (and the floor's scan) skip the table's pages.
        await postgres.ExecuteAsync(database, "VACUUM ANALYZE");
        return database;
    }

    private static async Task<string> CreateDatabaseAsync(BenchPostgres postgres, int size)
    {
        var database = $"worker_{size}";
        await postgres.CreateDatabaseAsync(database);
        await MigrateAsync(postgres, database);
        return database;
    }

    /// <summary>What the migration service does, run in this process (Production: no demo data).</summary>
    internal static async Task MigrateAsync(BenchPostgres postgres, string database)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[ConfigurationKeys.ConnectionString(ConnectionNames.Runtime)] = postgres.RuntimeConnectionString(database);
        builder.Configuration[ConfigurationKeys.ConnectionString(ConnectionNames.Owner)] = postgres.OwnerConnectionString(database);
        builder.Configuration[ConfigurationKeys.ConnectionString(ConnectionNames.Platform)] = postgres.PlatformConnectionString(database);
        builder.AddTatamiData();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        using var host = builder.Build();
        await host.MigrateDatabaseAsync();
    }

    internal static Task<ServiceProcess> StartWorkerAsync(BenchPostgres postgres, string database) =>
        ServiceProcess.StartAsync("TatamiTech.Worker", new Dictionary<string, string>
        {
            [ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.ConnectionString(ConnectionNames.Runtime))] =
                postgres.RuntimeConnectionString(database),
            ["Worker__Roster__RunOnStart"] = "false",
            ["Worker__Roster__Interval"] = "1.00:00:00",
            ["Worker__Roster__EnableRunEndpoint"] = "true",
            [ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.RosterRunKey)] = RunKey,
        });

    private const string RunKey = "bench-worker-run-key";

    /// <returns>The wall time of the call and the number of academies whose report was written.</returns>
    internal static async Task<(TimeSpan Elapsed, int Written)> RunNowAsync(
        ServiceProcess worker,
        CancellationToken cancellationToken = default)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        var watch = Stopwatch.StartNew();
        // The Worker answers only on its own host name (AllowedHosts), as it would behind the dashboard's command.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(worker.Address, ServicePaths.RosterRunNow));
        request.Headers.Host = $"localhost:{worker.Address.Port}";
        request.Headers.Add(HeaderNames.RunKey, RunKey);
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"The Worker's run-now answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var elapsed = watch.Elapsed;
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (elapsed, result.GetProperty("written").GetInt32());
    }
}
