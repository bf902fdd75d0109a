using System.Diagnostics;
using TatamiTech.Bench.Infrastructure;

namespace TatamiTech.Bench.Scenarios;

/// <summary>
/// 4. What a developer waits for: `dotnet run` of the AppHost (built beforehand, as F5 would) until the
/// API's /health answers 200, and the AppHost's shutdown; then the whole test suite.
/// </summary>
internal static class Startup
{
    private static readonly Uri s_apiHealth = new("http://localhost:5080/health");

    private const double StartTargetSeconds = 10;
    private const double StopTargetSeconds = 5;

    /// <summary>Where the start-up's CPU goes, by the kind of process (read from its command line).</summary>
    private static readonly string[] s_cpuKinds = ["dotnet run wrappers", "AppHost", "DCP and dashboard", "services", "Postgres"];

    /// <summary>The steps of the start-up path, each seen as its process appearing (a marker in its command line).</summary>
    private static readonly (string Step, string Marker)[] s_steps =
    [
        ("Postgres server", "/bin/postgres\0-D\0"),
        ("migration service", "TatamiTech.MigrationService/bin/"),
        ("API process", "TatamiTech.Api/bin/"),
    ];

    public static async Task RunAsync(BenchOptions options, Report report)
    {
        report.Section("4. Start-up",
            "AppHost (local Postgres mode, Release build) started with `dotnet run --no-build` on all cores, the local " +
            "cluster kept from an earlier start as F5 keeps it; median of 3 starts. " +
            "Stop: SIGTERM to the AppHost process until every process of the stack is gone.");
        var build = Stopwatch.StartNew();
        await Shell.RunAsync(
            "dotnet",
            ["build", "-c", Repository.Configuration, Path.Combine(Repository.Root, "TatamiTech.AppHost"), "-v", "q", "-nologo"],
            TimeSpan.FromMinutes(10));
        report.Row("AppHost build (incremental, Release)", $"{Report.F(build.Elapsed.TotalSeconds, 1)} s");

        // F5 keeps the local cluster between runs (Postgres:KeepData): the first start on a machine creates it and
        // applies every migration; the measured starts are the ones a developer makes after that.
        var (first, _, _, _) = await StartAndStopAsync();
        report.Row("first start (creates the kept cluster when this machine has none)", $"{Report.F(first.TotalSeconds, 1)} s",
            "not counted below");

        var starts = new List<TimeSpan>();
        var stops = new List<TimeSpan>();
        var steps = new List<IReadOnlyDictionary<string, TimeSpan>>();
        var cpu = new List<IReadOnlyDictionary<string, TimeSpan>>();
        for (var run = 0; run < 3; run++)
        {
            var (start, stop, seen, used) = await StartAndStopAsync();
            starts.Add(start);
            stops.Add(stop);
            steps.Add(seen);
            cpu.Add(used);
        }

        var startMedian = Stats.Median(starts).TotalSeconds;
        var stopMedian = Stats.Median(stops).TotalSeconds;
        report.Row("AppHost start to API /health 200 (median)", $"{Report.F(startMedian, 1)} s",
            $"runs: {string.Join(", ", starts.Select(s => Report.F(s.TotalSeconds, 1)))} s; " +
            Report.Verdict(startMedian, StartTargetSeconds, atMost: true));
        report.Row("start-up path: process first seen (median)",
            string.Join(" / ", s_steps.Select(step => steps.Where(s => s.ContainsKey(step.Step)).Select(s => s[step.Step]).ToList()
                is { Count: > 0 } seen ? Report.F(Stats.Median(seen).TotalSeconds, 1) : "-")) + " s",
            $"{string.Join(" / ", s_steps.Select(s => s.Step))}; each waits for the one before it");
        report.Row("CPU until the API is healthy (median)",
            string.Join(" / ", s_cpuKinds.Select(kind => Report.F(
                Stats.Median(cpu.Select(c => c.GetValueOrDefault(kind))).TotalSeconds, 1))) + " s",
            $"{string.Join(" / ", s_cpuKinds)}; against {Environment.ProcessorCount} cores x the start's wall time");
        report.Row("AppHost stop, SIGTERM to nothing left (median)", $"{Report.F(stopMedian, 1)} s",
            $"runs: {string.Join(", ", stops.Select(s => Report.F(s.TotalSeconds, 1)))} s; " +
            Report.Verdict(stopMedian, StopTargetSeconds, atMost: true));
        report.EndSection();
    }

    public static async Task RunSuiteAsync(Report report)
    {
        report.Section("5. Test suite",
            "`dotnet test TatamiTech.Aspire.sln` (Debug, incremental build included) on all cores, as CI runs it.");
        var watch = Stopwatch.StartNew();
        string output;
        try
        {
            var (file, args) = Shell.OnAllCores("dotnet", "test", Path.Combine(Repository.Root, "TatamiTech.Aspire.sln"));
            output = await Shell.RunAsync(file, args, TimeSpan.FromMinutes(30));
        }
        catch (InvalidOperationException failed)
        {
            // A failing suite is a result to print, not a reason to lose the other sections' figures.
            BenchOutcome.Failed = true;
            output = failed.Message;
        }

        report.Row("whole test suite, wall time", $"{Report.F(watch.Elapsed.TotalSeconds, 0)} s",
            string.Join("; ", output.Split('\n')
                .Where(l => l.Contains("Passed!", StringComparison.Ordinal) || l.Contains("Failed!", StringComparison.Ordinal))
                .Select(l => l.Trim())));
        // A failure names its test, so that a flake under the bench's load can be found again.
        foreach (var failed in output.Split('\n').Where(l => l.Contains("[FAIL]", StringComparison.Ordinal)).Select(l => l.Trim()))
        {
            report.Row("failed test", failed);
        }

        report.EndSection();
    }

    private static async Task<(TimeSpan Start, TimeSpan Stop, IReadOnlyDictionary<string, TimeSpan> Steps,
        IReadOnlyDictionary<string, TimeSpan> Cpu)> StartAndStopAsync()
    {
        if (StackProcesses().Count > 0)
        {
            throw new InvalidOperationException(
                "A TatamiTech stack is already running on this machine; stop it before measuring start-up.");
        }

        var (file, args) = Shell.OnAllCores(
            "dotnet",
            "run", "--no-build", "-c", Repository.Configuration,
            "--project", Path.Combine(Repository.Root, "TatamiTech.AppHost"),
            "--", "--Postgres:Mode=local");
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        var watch = Stopwatch.StartNew();
        using var run = Process.Start(info) ?? throw new InvalidOperationException("Could not start the AppHost.");
        run.OutputDataReceived += (_, _) => { };
        run.ErrorDataReceived += (_, _) => { };
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        // A short timeout: DCP's proxy accepts a connection before the API listens, and a long wait on
        // one attempt would add to the figure.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        TimeSpan? ready = null;
        var steps = new Dictionary<string, TimeSpan>();
        // The last CPU time seen of every process, so that one that has ended (the migration service) still counts.
        var cpu = new Dictionary<int, (string Kind, TimeSpan Used)>();
        void Sample()
        {
            var processes = StackProcesses().Select(pid => (Pid: pid, Command: Command(pid))).ToList();
            foreach (var (step, marker) in s_steps.Where(s => !steps.ContainsKey(s.Step)))
            {
                if (processes.Any(p => p.Command.Contains(marker, StringComparison.Ordinal)))
                {
                    steps[step] = watch.Elapsed;
                }
            }

            foreach (var (pid, command) in processes)
            {
                try
                {
                    cpu[pid] = (KindOf(command), Shell.CpuTime(pid));
                }
                catch (IOException)
                {
                    // Ended between the listing and the read: its last reading stands.
                }
            }
        }

        // The process table is read on its own beat: a probe can wait up to its timeout, and the migration service
        // lives for less than a second.
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                Sample();
                await Task.Delay(50, CancellationToken.None);
            }
        });

        while (ready is null && watch.Elapsed < TimeSpan.FromMinutes(3) && !run.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(s_apiHealth);
                if (response.IsSuccessStatusCode)
                {
                    ready = watch.Elapsed;
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            // After a refusal and after an unhealthy answer alike: the probe takes no core from the start it
            // measures, and the figure is late by 25 ms on average.
            await Task.Delay(50);
        }

        await sampling.CancelAsync();
        await sampler;
        Sample();

        // DCP runs the resources detached from the AppHost, so "everything stopped" is read from the
        // process table: no AppHost, DCP, service or local Postgres of this repository left.
        var appHost = Shell.Descendants(run.Id)
            .FirstOrDefault(pid => Command(pid).Split('\0')[0].EndsWith("TatamiTech.AppHost", StringComparison.Ordinal));
        var stopWatch = Stopwatch.StartNew();
        await Shell.SignalAsync(appHost == 0 ? run.Id : appHost, "TERM");
        while (StackProcesses().Count > 0 && stopWatch.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(100);
        }

        var stopped = stopWatch.Elapsed;
        foreach (var pid in StackProcesses())
        {
            await Shell.SignalAsync(pid, "KILL");
        }

        var used = cpu.Values.GroupBy(v => v.Kind).ToDictionary(g => g.Key, g => TimeSpan.FromTicks(g.Sum(v => v.Used.Ticks)));
        return (ready ?? throw new InvalidOperationException("The API did not report healthy within 3 minutes."), stopped, steps, used);
    }

    private static string KindOf(string command) =>
        command.Split('\0') is [var program, "run", ..] && program.EndsWith("dotnet", StringComparison.Ordinal) ? s_cpuKinds[0]
        : command.Contains("TatamiTech.AppHost/bin/", StringComparison.Ordinal) ? s_cpuKinds[1]
        : command.Contains("aspire.", StringComparison.Ordinal) ? s_cpuKinds[2]
        : command.Contains("TatamiTech.", StringComparison.Ordinal) ? s_cpuKinds[3]
        : s_cpuKinds[4];

    private static List<int> StackProcesses()
    {
        string[] markers =
        [
            "TatamiTech.AppHost", "TatamiTech.Api", "TatamiTech.Worker", "TatamiTech.Platform", "TatamiTech.MigrationService",
            "aspire.hosting.orchestration", "aspire.dashboard",
        ];
        var self = Environment.ProcessId;
        return Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && pid != self && IsStackProcess(Command(pid), markers))
            .ToList();
    }

    // The local server's data root is tatamitech-postgres-<uid> in the temp folder, or tatamitech-postgres in
    // XDG_RUNTIME_DIR: its command line names the kept cluster or a throw-away run directory under either.
    private static bool IsStackProcess(string command, string[] markers) =>
        markers.Any(m => command.Contains(m, StringComparison.Ordinal))
        || (command.Contains("tatamitech-postgres", StringComparison.Ordinal)
            && (command.Contains("/kept-", StringComparison.Ordinal) || command.Contains("/run-", StringComparison.Ordinal)));

    private static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
