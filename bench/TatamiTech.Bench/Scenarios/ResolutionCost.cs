using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TatamiTech.Bench.Infrastructure;
using TatamiTech.Data;
using TatamiTech.Names;
using TatamiTech.Tenancy.AspNetCore.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.Bench.Scenarios;

/// <summary>
/// 2. Tenant resolution alone: host parsing and the lookup in the directory held in memory, for 100, 10,000
/// and 100,000 academies. A lookup, known academy or invented host, should cost the same whatever the number
/// of academies and touch no database; what the directory costs is its read at start and its memory.
/// </summary>
internal static class ResolutionCost
{
    private const int Lookups = 1_000_000;

    /// <summary>The memory the directory may hold per academy (about 40 MB for 100,000 academies).</summary>
    private const double MaxBytesPerAcademy = 400;

    public static async Task RunAsync(BenchPostgres postgres, BenchOptions options, Report report)
    {
        var tenants = await BenchTenants.CreateAsync(postgres, "tatamidb", "res", 100_000, 0);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[ConfigurationKeys.ConnectionString(ConnectionNames.Runtime)] = postgres.RuntimeConnectionString();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddTatamiData();
        using var host = builder.Build();
        var directory = host.Services.GetRequiredService<ITenantDirectory>();
        string[] roots = [BenchTenants.RootDomain];

        report.Section("2. Tenant resolution",
            $"Host parsing and lookup in TenantCatalog (the whole directory in memory, read from Postgres), in this process; " +
            $"{Lookups:N0} lookups of random academies, and of invented hosts, median of {options.Rounds} runs.");
        var warmCosts = new Dictionary<int, double>();
        foreach (var size in new[] { 100, 10_000, 100_000 })
        {
            var hosts = tenants.Take(size).Select(BenchTenants.Host).ToArray();
            var invented = Enumerable.Range(0, 1000)
                .Select(i => $"z{i:D6}x{Guid.NewGuid():N}"[..20] + "." + BenchTenants.RootDomain)
                .ToArray();

            // What the directory holds: its rows, allocated anew as the reader allocates them, and the index over
            // them; measured after full collections, so what was only passing through is not counted.
            var rows = (await directory.ListAsync(CancellationToken.None)).Take(size).ToList();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var read = Stopwatch.StartNew();
            var catalog = new TenantCatalog();
            catalog.ReplaceAll([.. rows.Select(t => new TenantInfo(t.Id, new string(t.Slug), new string(t.Name), t.Suspended))]);
            var readMillis = read.Elapsed.TotalMilliseconds;
            var bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
            GC.KeepAlive(rows);

            var random = new Random(42);
            var order = Enumerable.Range(0, Lookups).Select(_ => random.Next(hosts.Length)).ToArray();
            var known = new List<double>();
            var unknown = new List<double>();
            for (var run = 0; run < options.Rounds; run++)
            {
                known.Add(TimeLookups(catalog, hosts, order, roots, expectFound: true));
                unknown.Add(TimeLookups(catalog, invented, [.. order.Select(i => i % invented.Length)], roots, expectFound: false));
            }

            warmCosts[size] = Stats.Median(known);
            var perAcademy = (double)bytes / size;
            report.Row($"{size:N0} academies: lookup of a known academy", $"{Report.F(warmCosts[size], 0)} ns",
                $"runs {Report.F(known.Min(), 0)}-{Report.F(known.Max(), 0)} ns");
            report.Row($"{size:N0} academies: lookup of an invented host", $"{Report.F(Stats.Median(unknown), 0)} ns",
                "answered 404 from memory, no database query");
            report.Row($"{size:N0} academies: directory held", $"{Report.F(bytes / 1024.0 / 1024.0, 1)} MB",
                $"{Report.F(perAcademy, 0)} B per academy, rows included; built in {Report.F(readMillis, 0)} ms; " +
                (size == 100_000 ? Report.Verdict(perAcademy, MaxBytesPerAcademy, atMost: true) : string.Empty));

            GC.KeepAlive(catalog);
        }

        report.Row("known-academy lookup ratio 100,000 / 100 academies", Report.F(warmCosts[100_000] / warmCosts[100], 2),
            "should stay near 1 (a hash lookup; larger sets miss CPU caches more)");
        report.EndSection();
    }

    private static double TimeLookups(TenantCatalog catalog, string[] hosts, int[] order, string[] roots, bool expectFound)
    {
        var watch = Stopwatch.StartNew();
        foreach (var index in order)
        {
            if (catalog.TryFind(TenantHostParser.GetSlug(hosts[index], roots)!, out _) != expectFound)
            {
                throw new InvalidOperationException($"{hosts[index]}: found {!expectFound}, expected {expectFound}.");
            }
        }

        return watch.Elapsed.TotalNanoseconds / order.Length;
    }
}
