using System.Runtime.InteropServices;
using TatamiTech.Bench;
using TatamiTech.Bench.Drills;
using TatamiTech.Bench.Infrastructure;
using TatamiTech.Bench.Scenarios;
using TatamiTech.Names;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

if (Repository.Configuration != "Release")
{
    Console.Error.WriteLine("Figures from a Debug build mean little: run 'dotnet run -c Release --project bench/TatamiTech.Bench'.");
    return 2;
}

var report = new Report(
    $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores, " +
    $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
    $"sections: {string.Join(", ", BenchOptions.AllSections.Where(options.Runs))}{(options.Quick ? " (quick)" : "")}.");

// The load generator keeps to core 1 so the service under test has core 0 to itself.
if (Shell.HasTaskset && OperatingSystem.IsLinux())
{
    System.Diagnostics.Process.GetCurrentProcess().ProcessorAffinity = 0b10;
}

if (options.Runs("overhead") || options.Runs("resolution") || options.Runs("worker") || options.Runs("drills")
    || options.Runs("noisy") || options.Runs("lifecycle"))
{
    await using var postgres = await BenchPostgres.StartAsync();
    await WorkerScaling.MigrateAsync(postgres, "tatamidb");
    await using var api = await ServiceProcess.StartAsync("TatamiTech.Api", BenchTenants.ApiEnvironment(postgres), ServicePaths.Health);
    if (options.Runs("overhead"))
    {
        await RequestOverhead.RunAsync(postgres, api, options, report);
    }

    if (options.Runs("resolution"))
    {
        await ResolutionCost.RunAsync(postgres, options, report);
    }

    string? thousandAcademies = null;
    if (options.Runs("worker"))
    {
        thousandAcademies = await WorkerScaling.RunAsync(postgres, options, report);
    }

    if (options.Runs("drills"))
    {
        report.Section("6. Resilience drills",
            "Correctness under stress, bounded in time; the same properties run as ordinary tests at small size " +
            "(ConcurrentTenantsShould, DatabaseWallShould, PostgresOutageShould, RosterReportJobShould).");
        await IsolationUnderLoad.RunAsync(postgres, api, options, report);
        await PostgresRestartDrill.RunAsync(postgres, api, report);
        await WorkerKilledDrill.RunAsync(postgres, thousandAcademies ?? await WorkerScaling.PrepareAsync(postgres, 1_000), 1_000, report);
        report.EndSection();
    }

    if (options.Runs("lifecycle"))
    {
        await Lifecycle.RunAsync(postgres, api, options, report);
    }

    if (options.Runs("noisy"))
    {
        report.Section(
            "7. Noisy neighbour and hostile traffic",
            "Nineteen ordinary academies beside one academy far over its rate limit, and beside floods from outside an " +
            "academy: no token, another academy's token, invented hosts (MembersBudgetShould and InventedHostsShould at test size).");
        await NoisyNeighbourDrill.RunAsync(postgres, options, report);
        report.EndSection();
    }
}

if (options.Runs("citus"))
{
    await CitusFigures.RunAsync(options, report);
}

// What a developer waits for is measured on the whole machine, as they would run it.
if (Shell.HasTaskset && OperatingSystem.IsLinux())
{
    System.Diagnostics.Process.GetCurrentProcess().ProcessorAffinity = (1 << Environment.ProcessorCount) - 1;
}

if (options.Runs("startup"))
{
    await Startup.RunAsync(options, report);
}

if (options.Runs("firstrun"))
{
    await FirstRun.RunAsync(report);
}

if (options.Runs("suite"))
{
    await Startup.RunSuiteAsync(report);
}

if (options.Runs("mutants"))
{
    await MutationCheck.RunAsync(report);
}

Console.WriteLine();
// A run of some sections does not replace the full run's figures: it has a file of its own.
var results = options.Sections.SetEquals(BenchOptions.AllSections)
    ? "latest.md"
    : string.Join("-", BenchOptions.AllSections.Where(options.Runs)) + (options.Quick ? "-quick" : "") + ".md";
Console.WriteLine($"Written to {await report.WriteAsync(results)}");
return BenchOutcome.Failed ? 1 : 0;
