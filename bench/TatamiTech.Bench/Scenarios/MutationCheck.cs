using System.Diagnostics;
using TatamiTech.Bench.Infrastructure;

namespace TatamiTech.Bench.Scenarios;

/// <summary>
/// The mutation check of the tenancy core (<c>.ci/mutants</c>): too long for CI's run, so the bench runs it. Each
/// mutation rebuilds the test projects and starts a stack of its own, so the check runs last, on all cores.
/// </summary>
internal static class MutationCheck
{
    public static async Task RunAsync(Report report)
    {
        report.Section("9. Mutation check",
            "`.ci/mutants`: each mutation of `.ci/mutants.txt` applied to the tenancy core, the test projects rebuilt " +
            "(Debug) and only the test classes it names run; every mutation must be caught.");
        var watch = Stopwatch.StartNew();
        string output;
        try
        {
            var (file, args) = Shell.OnAllCores(Path.Combine(Repository.Root, ".ci", "mutants"));
            output = await Shell.RunAsync(file, args, TimeSpan.FromMinutes(120));
        }
        catch (InvalidOperationException failed)
        {
            // A surviving mutation is a result to print, not a reason to lose the other sections' figures.
            BenchOutcome.Failed = true;
            output = failed.Message;
        }

        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        report.Row("mutation check, wall time", $"{Report.F(watch.Elapsed.TotalSeconds, 0)} s",
            lines.LastOrDefault(l => l.Contains(" mutations: ", StringComparison.Ordinal)) ?? "no summary: see the output above");
        var notCaught = lines.Where(l =>
            l.StartsWith("-- ", StringComparison.Ordinal) && !l.Contains(": caught", StringComparison.Ordinal));
        foreach (var line in notCaught)
        {
            report.Row("not caught", line[3..]);
        }

        report.EndSection();
    }
}
