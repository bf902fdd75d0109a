using System.Diagnostics;
using TatamiTech.Bench.Infrastructure;

namespace TatamiTech.Bench.Scenarios;

/// <summary>
/// 4b. What a newcomer waits for: a fresh clone of this commit, then `dotnet run --project TatamiTech.AppHost` (restore
/// and build included) until the API's /health answers 200. The NuGet packages come from the machine's cache, as they
/// would for a developer who has restored any .NET project before; a first download is not counted.
/// </summary>
internal static class FirstRun
{
    private const double TargetSeconds = 150;
    private static readonly Uri s_apiHealth = new("http://localhost:5080/health");

    public static async Task RunAsync(Report report)
    {
        report.Section("4b. First run",
            "A fresh clone of this commit, `dotnet run --project TatamiTech.AppHost -- --Postgres:Mode=local` (Debug, build " +
            "included) to the API's /health 200, on all cores; the local cluster of the clone is new (initdb and every " +
            "migration). Target: 150 s.");
        var seconds = await MeasureAsync();
        report.Row("first run, fresh clone to a healthy API", $"{Report.F(seconds, 0)} s",
            Report.Verdict(seconds, TargetSeconds, atMost: true));

        report.EndSection();
    }

    private static async Task<double> MeasureAsync()
    {
        var clone = Path.Combine(Path.GetTempPath(), $"tatamitech-first-run-{Guid.NewGuid():N}");
        var dataRoot = Path.Combine(clone, ".postgres");
        await Shell.RunAsync("git", ["clone", "--quiet", "--local", Repository.Root, clone], TimeSpan.FromMinutes(2));
        try
        {
            var (file, args) = Shell.OnAllCores(
                "dotnet", "run", "--project", Path.Combine(clone, "TatamiTech.AppHost"),
                "--", "--Postgres:Mode=local", $"--Postgres:DataRoot={dataRoot}");
            var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
            var watch = Stopwatch.StartNew();
            using var run = Process.Start(info) ?? throw new InvalidOperationException("Could not start the AppHost.");
            run.OutputDataReceived += (_, _) => { };
            run.ErrorDataReceived += (_, _) => { };
            run.BeginOutputReadLine();
            run.BeginErrorReadLine();
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            double? ready = null;
            while (ready is null && watch.Elapsed < TimeSpan.FromMinutes(10) && !run.HasExited)
            {
                try
                {
                    using var response = await client.GetAsync(s_apiHealth);
                    ready = response.IsSuccessStatusCode ? watch.Elapsed.TotalSeconds : null;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                await Task.Delay(200);
            }

            var appHost = Shell.Descendants(run.Id).FirstOrDefault(pid =>
                File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0].EndsWith("TatamiTech.AppHost", StringComparison.Ordinal));
            await Shell.SignalAsync(appHost == 0 ? run.Id : appHost, "TERM");
            using var stopping = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await run.WaitForExitAsync(stopping.Token);
            return ready ?? throw new InvalidOperationException("The API of the fresh clone did not report healthy within 10 minutes.");
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
    }
}
