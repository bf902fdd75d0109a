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

    /// <summary>Run 1 writes (and pays for the Worker's JIT); the others refresh.</summary>
    private const int Runs = 5;

    /// <returns>The database of 1,000 academies, for the killed-worker drill.</returns>
    public static async Task<string> RunAsync(BenchPostgres postgres, BenchOptions options, Report report)
    {
        string? thousand = null;
        int[] sizes = options.Quick ? [100, 1_000] : [100, 1_000, 10_000];
        report.Section("3. Worker scaling",
            $"Roster report over N academies of {StudentsPerAcademy} students, each size in its own database; " +
            $"run 1 writes every report (and pays for the Worker's JIT), runs 2-{Runs} refresh them; " +
            $"the median of all {Runs} is the figure, " +
            "a bounded number of academies in flight (Worker:Roster:MaxAcademiesInFlight, 4), one statement each. " +
            "Memory: the Worker's resident set (VmHWM/VmRSS). " +
            "Floor: one INSERT ... SELECT ... GROUP BY tenant_id over all academies, as the owner (median of 3).");
        foreach (var size in sizes)
        {
            var database = await PrepareAsync(postgres, size);
            thousand = size == 1_000 ? database : thousand;
            await using var worker = await StartWorkerAsync(postgres, database);
            var idle = worker.Memory();
            var runs = new List<TimeSpan>();
            var (workerCpu, postgresCpu) = (TimeSpan.Zero, TimeSpan.Zero);
            for (var run = 0; run < Runs; run++)
            {
                // CPU of the refresh runs only: the first also pays for the Worker's JIT and cold caches.
                var cpuBefore = (Shell.CpuTime(worker.Pid), postgres.ServerCpuTime());
                var (elapsed, written) = await RunNowAsync(worker);
                if (run > 0)
                {
                    workerCpu += Shell.CpuTime(worker.Pid) - cpuBefore.Item1;
                    postgresCpu += postgres.ServerCpuTime() - cpuBefore.Item2;
                }

                if (written != size)
                {
                    throw new InvalidOperationException($"Run {run + 1} over {size} academies wrote {written} reports.");
                }

                runs.Add(elapsed);
            }

            var peak = worker.Memory();
            var floor = await postgres.TimeAsync(database, """
                CREATE TABLE roster_floor AS
                SELECT tenant_id, current_date AS period_date,
                       count(*) FILTER (WHERE belt_rank = 'white') AS white, count(*) FILTER (WHERE belt_rank = 'yellow') AS yellow,
                       count(*) FILTER (WHERE belt_rank = 'orange') AS orange, count(*) FILTER (WHERE belt_rank = 'green') AS green,
                       count(*) FILTER (WHERE belt_rank = 'blue') AS blue, count(*) FILTER (WHERE belt_rank = 'purple') AS purple,
                       count(*) FILTER (WHERE belt_rank = 'brown') AS brown, count(*) FILTER (WHERE belt_rank = 'black') AS black,
                       count(*) FILTER (WHERE created_at > now() - interval '30 days') AS recent, count(*) AS total
                  FROM students GROUP BY tenant_id;
                DROP TABLE roster_floor;
                """, 3);

            var median = Stats.Median(runs);
            report.Row($"{size:N0} academies: run 1 (writes)", $"{Report.F(runs[0].TotalSeconds, 2)} s",
                $"{Report.F(runs[0].TotalMilliseconds / size, 2)} ms per academy");
            report.Row($"{size:N0} academies: median of {Runs} runs", $"{Report.F(median.TotalSeconds, 2)} s",
                $"{Report.F(median.TotalMilliseconds / size, 2)} ms per academy");
            report.Row($"{size:N0} academies: CPU per academy, Worker / Postgres",
                $"{Report.F(workerCpu.TotalMicroseconds / ((Runs - 1) * size), 0)} / " +
                $"{Report.F(postgresCpu.TotalMicroseconds / ((Runs - 1) * size), 0)} us",
                $"runs 2-{Runs}; whichever is near the run's time per academy is the bottleneck");
            var peakMb = peak.PeakKb / 1024.0;
            report.Row($"{size:N0} academies: Worker memory, idle -> peak", $"{idle.CurrentKb / 1024} -> {peakMb:F0} MB",
                Report.Verdict(peakMb, size >= 10_000 ? MemoryTargetMb : null, atMost: true));
            report.Row($"{size:N0} academies: set-based floor", $"{Report.F(floor.TotalMilliseconds, 0)} ms");

            // The spread is the runs' own: each run against the floor's median.
            var ratios = runs.Select(r => r / floor).Order().ToList();
            report.Row($"{size:N0} academies: per-tenant run / floor",
                $"{Report.F(Stats.Median(ratios), 1)}x [{Report.F(ratios[0], 1)}-{Report.F(ratios[^1], 1)}]",
                Report.Verdict(Stats.Median(ratios), size >= 1_000 ? FloorTarget : null, atMost: true));
        }

        report.EndSection();
        return thousand!;
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
        await postgres.ExecuteAsync("postgres", $"CREATE DATABASE {database}");
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
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(worker.Address, ServicePaths.RosterRunNow));
        request.Headers.Add(HeaderNames.RunKey, RunKey);
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var elapsed = watch.Elapsed;
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (elapsed, result.GetProperty("written").GetInt32());
    }
}
