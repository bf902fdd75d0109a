using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using TatamiTech.Api;
using TatamiTech.Bench.Baseline;
using TatamiTech.Bench.Infrastructure;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.Tenancy.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.Bench.Scenarios;

/// <summary>
/// 1. What tenancy costs a request: GET /students (page of 50) through the full pipeline against the
/// same query with tenancy and authentication removed, alternated round by round in the same run.
/// </summary>
internal static class RequestOverhead
{
    private const int Concurrency = 16;
    private const int PageSize = 50;

    public static async Task RunAsync(BenchPostgres postgres, ServiceProcess api, BenchOptions options, Report report)
    {
        var tenants = await BenchTenants.CreateAsync(postgres, "tatamidb", "load", 100, 60);
        var tokens = tenants.Select(BenchTenants.Token).ToArray();
        await using var baseline = await ServiceProcess.StartAsync("TatamiTech.Bench.Baseline",
            new Dictionary<string, string>
            {
                [ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.ConnectionString(ConnectionNames.Runtime))] =
                    postgres.OwnerConnectionString(),
            });

        using var client = LoadGenerator.NewClient(Concurrency);
        HttpRequestMessage Full(long i)
        {
            var t = (int)(i % tenants.Count);
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.Address, $"/students?pageSize={PageSize}"));
            request.Headers.Host = BenchTenants.Host(tenants[t]);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[t]);
            return request;
        }

        HttpRequestMessage Bare(long i) =>
            new(HttpMethod.Get, new Uri(baseline.Address, $"/students?tenant={tenants[(int)(i % tenants.Count)].Id}&pageSize={PageSize}"));

        await LoadGenerator.RunAsync(client, Concurrency, options.WarmUp, Full);
        await LoadGenerator.RunAsync(client, Concurrency, options.WarmUp, Bare);

        var full = new List<LoadResult>();
        var bare = new List<LoadResult>();
        var ratios = new List<double>();
        var cpuPerRequest = (Full: new List<double>(), Bare: new List<double>());
        for (var round = 0; round < options.Rounds; round++)
        {
            var cpu = Shell.CpuTime(api.Pid);
            var a = await LoadGenerator.RunAsync(client, Concurrency, options.TrialDuration, Full);
            cpuPerRequest.Full.Add((Shell.CpuTime(api.Pid) - cpu).TotalMicroseconds / a.Requests);
            cpu = Shell.CpuTime(baseline.Pid);
            var b = await LoadGenerator.RunAsync(client, Concurrency, options.TrialDuration, Bare);
            cpuPerRequest.Bare.Add((Shell.CpuTime(baseline.Pid) - cpu).TotalMicroseconds / b.Requests);
            full.Add(a);
            bare.Add(b);
            ratios.Add(a.Throughput / b.Throughput);
        }

        var (coldCommands, warmCommands, bareCommands, cacheMisses) = await CountCommandsAsync(postgres, tenants, tokens);

        report.Section("1. Request overhead of tenancy",
            $"GET /students, page of {PageSize}, {tenants.Count} academies x 60 students, {Concurrency} keep-alive clients, " +
            $"{options.WarmUp.TotalSeconds:F0} s warm-up each, then {options.Rounds} alternating rounds of " +
            $"{options.TrialDuration.TotalSeconds:F0} s; app pinned to core 0, Postgres and load on core 1. " +
            "(a) full pipeline: host resolution, JWT, binding, query filters, row-level security with the tenant in the query's batch. " +
            "(b) baseline: the same query and service defaults with all tenancy and authentication removed " +
            "(bench/TatamiTech.Bench.Baseline).");
        report.Row("(a) full pipeline, throughput (median)", $"{Report.F(Stats.Median(full.Select(r => r.Throughput)), 0)} req/s");
        report.Row("(a) p50 / p99 latency (median of rounds)",
            $"{Report.F(Stats.Median(full.Select(r => r.P50Ms)), 2)} / {Report.F(Stats.Median(full.Select(r => r.P99Ms)), 2)} ms");
        report.Row("(b) baseline, throughput (median)", $"{Report.F(Stats.Median(bare.Select(r => r.Throughput)), 0)} req/s");
        report.Row("(b) p50 / p99 latency (median of rounds)",
            $"{Report.F(Stats.Median(bare.Select(r => r.P50Ms)), 2)} / {Report.F(Stats.Median(bare.Select(r => r.P99Ms)), 2)} ms");
        report.Row("ratio a/b, throughput (median of per-round ratios)", Report.F(Stats.Median(ratios), 3),
            $"target >= 0.90; rounds: {string.Join(", ", ratios.Select(r => Report.F(r, 2)))}");
        report.Row("app CPU per request (a / b, median)",
            $"{Report.F(Stats.Median(cpuPerRequest.Full), 0)} / {Report.F(Stats.Median(cpuPerRequest.Bare), 0)} us",
            $"ratio {Report.F(Stats.Median(cpuPerRequest.Full) / Stats.Median(cpuPerRequest.Bare), 2)}; " +
            "the service's own CPU from /proc, steadier than throughput on a noisy machine");
        report.Row("failed requests (a / b)", $"{full.Sum(r => r.Failures)} / {bare.Sum(r => r.Failures)}");
        report.Row("(a) database commands per request, warm tenant cache", Report.F(warmCommands, 2),
            "target 1: the tenant setting rides in the query's batch; each Npgsql command is one round trip");
        report.Row("(a) database commands per request, first request of each academy", Report.F(coldCommands, 2),
            "+1 tenant directory read, then cached");
        report.Row("(b) database commands per request", Report.F(bareCommands, 2));
        report.Row("(a) EF Core query compilations in 500 warm requests", Report.F(cacheMisses, 0),
            "the tenant is a query parameter: one compiled query serves every academy");
        report.EndSection();
    }

    /// <summary>
    /// Round trips, counted by Npgsql's own tracing with each service hosted in this process: every
    /// command Npgsql sends (a batch of statements included) is one activity and one round trip.
    /// </summary>
    private static async Task<(double Cold, double Warm, double Bare, double QueryCacheMisses)> CountCommandsAsync(
        BenchPostgres postgres, IReadOnlyList<TenantInfo> tenants, string[] tokens)
    {
        var commands = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Kind == ActivityKind.Client && activity.OperationName != "CONNECT")
                {
                    Interlocked.Increment(ref commands);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var efCounters = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var meters = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Microsoft.EntityFrameworkCore")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((i, v, _, _) => efCounters.AddOrUpdate(i.Name, v, (_, o) => o + v));
        meters.SetMeasurementEventCallback<int>((i, v, _, _) => efCounters.AddOrUpdate(i.Name, v, (_, o) => o + v));
        meters.SetMeasurementEventCallback<double>((i, v, _, _) => efCounters.AddOrUpdate(i.Name, v, (_, o) => o + v));
        meters.Start();

        await using var api = new InProcess<ApiEntryPoint>(new()
        {
            [ConfigurationKeys.ConnectionString(ConnectionNames.Runtime)] = postgres.RuntimeConnectionString(),
            [ConfigurationKeys.JwtSigningKey] = BenchTenants.SigningKey,
            ["Jwt:AllowSymmetricKey"] = "true",
        });
        using var apiClient = api.CreateClient();
        async Task<double> PerRequest(int count)
        {
            commands = 0;
            for (var i = 0; i < count; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/students?pageSize={PageSize}");
                request.Headers.Host = BenchTenants.Host(tenants[i % tenants.Count]);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i % tenants.Count]);
                using var response = await apiClient.SendAsync(request);
                response.EnsureSuccessStatusCode();
            }

            return (double)commands / count;
        }

        var cold = await PerRequest(tenants.Count);
        efCounters.Clear();
        var warm = await PerRequest(500);
        meters.RecordObservableInstruments();
        var cacheMisses = efCounters.GetValueOrDefault("microsoft.entityframeworkcore.queries")
            - efCounters.GetValueOrDefault("microsoft.entityframeworkcore.compiled_query_cache_hits");

        // The factory guesses a content root next to the solution; the baseline lives under bench/.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_TATAMITECH_BENCH_BASELINE",
            Path.Combine(Repository.Root, "bench", "TatamiTech.Bench.Baseline"));
        await using var bare = new InProcess<BaselinePage>(
            new() { [ConfigurationKeys.ConnectionString(ConnectionNames.Runtime)] = postgres.OwnerConnectionString() });
        using var bareClient = bare.CreateClient();
        await (await bareClient.GetAsync($"/students?tenant={tenants[0].Id}")).Content.ReadAsStringAsync();
        commands = 0;
        for (var i = 0; i < 500; i++)
        {
            using var response = await bareClient.GetAsync($"/students?tenant={tenants[i % tenants.Count].Id}&pageSize={PageSize}");
            response.EnsureSuccessStatusCode();
        }

        return (cold, warm, (double)commands / 500, cacheMisses);
    }

    private sealed class InProcess<TEntry>(Dictionary<string, string> settings) : WebApplicationFactory<TEntry>
        where TEntry : class
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
