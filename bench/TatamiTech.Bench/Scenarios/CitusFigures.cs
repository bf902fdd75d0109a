using TatamiTech.Bench.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.Bench.Scenarios;

/// <summary>
/// The request overhead (section 1) and the worker (section 3) again on a Citus cluster of a coordinator and two
/// workers, each against the same bare EF Core anchor and set-based floor on the same cluster. The three nodes share
/// the one core the load generator also uses, so the figures say how the two sides compare on Citus, not what a
/// real cluster of separate machines would serve.
/// </summary>
internal static class CitusFigures
{
    public static async Task RunAsync(BenchOptions options, Report report)
    {
        if (!BenchPostgres.CitusInstalled)
        {
            report.Section("Citus", "Not measured: this machine's PostgreSQL has no Citus extension (tools/install-citus.sh builds it).");
            report.EndSection();
            return;
        }

        await using var postgres = await BenchPostgres.StartAsync(citus: true);
        await WorkerScaling.MigrateAsync(postgres, "tatamidb");
        await using (var api = await ServiceProcess.StartAsync("TatamiTech.Api", BenchTenants.ApiEnvironment(postgres), ServicePaths.Health))
        {
            await RequestOverhead.RunAsync(postgres, api, options, report);
        }

        await WorkerScaling.RunAsync(postgres, options, report);
    }
}
