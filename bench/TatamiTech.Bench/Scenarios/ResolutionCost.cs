using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TatamiTech.Bench.Infrastructure;
using TatamiTech.Data;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.Tenancy.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.Bench.Scenarios;

/// <summary>
/// 2. Tenant resolution alone (host parsing and the tenant lookup), for 10 and for 10,000 academies: a
/// warm lookup should cost the same whatever the number of academies, and touch no database.
/// </summary>
internal static class ResolutionCost
{
    private const int Lookups = 1_000_000;

    public static async Task RunAsync(BenchPostgres postgres, BenchOptions options, Report report)
    {
        var tenants = await BenchTenants.CreateAsync(postgres, "tatamidb", "res", 10_000, 0);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[ConfigurationKeys.ConnectionString(ConnectionNames.Runtime)] = postgres.RuntimeConnectionString();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddTatamiData();
        builder.Services.AddOptions<TenancyOptions>();
        using var host = builder.Build();
        var directory = new CountingDirectory(host.Services.GetRequiredService<ITenantDirectory>());
        var settings = host.Services.GetRequiredService<IOptionsMonitor<TenancyOptions>>();
        string[] roots = [BenchTenants.RootDomain];

        report.Section("2. Tenant resolution",
            $"Host parsing and lookup through TenantResolver (bounded cache, real directory on Postgres), in this process; " +
            $"warm: {Lookups:N0} lookups of random academies, median of {options.Rounds} runs.");
        var warmCosts = new Dictionary<int, double>();
        foreach (var size in new[] { 10, 10_000 })
        {
            var hosts = tenants.Take(size).Select(BenchTenants.Host).ToArray();
            using var resolver = new TenantResolver(directory, settings, new TenantDirectoryChanges());

            var cold = Stopwatch.StartNew();
            foreach (var h in hosts)
            {
                _ = await resolver.FindAsync(TenantHostParser.GetSlug(h, roots)!, CancellationToken.None)
                    ?? throw new InvalidOperationException($"{h} did not resolve.");
            }

            var coldMicros = cold.Elapsed.TotalMicroseconds / hosts.Length;
            var random = new Random(42);
            var order = Enumerable.Range(0, Lookups).Select(_ => random.Next(hosts.Length)).ToArray();
            directory.Reads = 0;
            var runs = new List<double>();
            for (var run = 0; run < options.Rounds; run++)
            {
                var watch = Stopwatch.StartNew();
                foreach (var index in order)
                {
                    var tenant = await resolver.FindAsync(TenantHostParser.GetSlug(hosts[index], roots)!, CancellationToken.None);
                    if (tenant is null)
                    {
                        throw new InvalidOperationException("A known academy did not resolve.");
                    }
                }

                runs.Add(watch.Elapsed.TotalNanoseconds / Lookups);
            }

            warmCosts[size] = Stats.Median(runs);
            report.Row($"{size:N0} academies: warm lookup", $"{Report.F(warmCosts[size], 0)} ns",
                $"directory reads while warm: {directory.Reads}");
            report.Row($"{size:N0} academies: first lookup of each (directory read)", $"{Report.F(coldMicros, 0)} us");
        }

        report.Row("warm cost ratio 10,000 / 10 academies", Report.F(warmCosts[10_000] / warmCosts[10], 2),
            "should stay near 1 (a hash lookup; larger sets miss CPU caches more)");
        report.EndSection();
    }

    private sealed class CountingDirectory(ITenantDirectory inner) : ITenantDirectory
    {
        public int Reads;

        public Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Reads);
            return inner.FindBySlugAsync(slug, cancellationToken);
        }

        public Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
    }
}
