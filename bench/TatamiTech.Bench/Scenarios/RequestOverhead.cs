using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using TatamiTech.Api;
using TatamiTech.Bench.Baseline;
using TatamiTech.Bench.Infrastructure;
using TatamiTech.MigrationService.Distribution;
using TatamiTech.Names;
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
                    postgres.TunedOwnerConnectionString(),
            });
        await using var anchor = await ServiceProcess.StartAsync("TatamiTech.Bench.BareEf",
            new Dictionary<string, string> { ["ConnectionStrings__students"] = postgres.TunedOwnerConnectionString() });
        await using var defaultAnchor = await ServiceProcess.StartAsync("TatamiTech.Bench.BareEf",
            new Dictionary<string, string> { ["ConnectionStrings__students"] = postgres.OwnerConnectionString() });
        // On one server, the same pipeline with the wall's procedure as Citus needs it: what one procedure for both
        // databases would cost here.
        (IReadOnlyList<TenantInfo> Tenants, string[] Tokens)? onePath = postgres.IsCitus ? null : await OnePathAsync(postgres);
        await using var onePathApi = onePath is null ? null : await ServiceProcess.StartAsync(
            "TatamiTech.Api", BenchTenants.ApiEnvironment(postgres, OnePathDatabase), ServicePaths.Health);

        using var client = LoadGenerator.NewClient(Concurrency);
        Func<long, HttpRequestMessage> Pipeline(ServiceProcess service, IReadOnlyList<TenantInfo> academies, string[] academyTokens) => i =>
        {
            var t = (int)(i % academies.Count);
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service.Address, $"/students?pageSize={PageSize}"));
            request.Headers.Host = BenchTenants.Host(academies[t]);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", academyTokens[t]);
            return request;
        };

        Func<long, HttpRequestMessage> ByQuery(ServiceProcess service) => i =>
            new(HttpMethod.Get, new Uri(service.Address, $"/students?tenant={tenants[(int)(i % tenants.Count)].Id}&pageSize={PageSize}"));

        Contender[] contenders =
        [
            new("(a) full pipeline", api, Pipeline(api, tenants, tokens)),
            new("(b) baseline", baseline, ByQuery(baseline)),
            new("(c) bare EF anchor", anchor, ByQuery(anchor)),
            new("(c0) bare EF anchor, Npgsql defaults", defaultAnchor, ByQuery(defaultAnchor)),
            .. onePath is { } path
                ? [new Contender("(d) full pipeline, Citus's wall procedure", onePathApi!, Pipeline(onePathApi!, path.Tenants, path.Tokens))]
                : Array.Empty<Contender>(),
        ];
        foreach (var contender in contenders)
        {
            // Twice the warm-up: tiered compilation must have settled before the first round counts.
            await LoadGenerator.RunAsync(client, Concurrency, options.WarmUp * 2, contender.Next);
        }

        for (var round = 0; round < OverheadRounds(options); round++)
        {
            foreach (var contender in contenders)
            {
                var cpu = Shell.CpuTime(contender.Service.Pid);
                var database = postgres.ServerCpuTime();
                var result = await LoadGenerator.RunAsync(client, Concurrency, options.TrialDuration, contender.Next);
                contender.Add(
                    result,
                    (Shell.CpuTime(contender.Service.Pid) - cpu).TotalMicroseconds / result.Requests,
                    (postgres.ServerCpuTime() - database).TotalMicroseconds / result.Requests);
            }
        }

        var (coldCommands, warmCommands, bareCommands, cacheMisses) = await CountCommandsAsync(postgres, tenants, tokens);
        var (full, bare, anchorRounds) = (contenders[0], contenders[1], contenders[2]);

        report.Section(postgres.IsCitus ? "1c. Request overhead of tenancy on Citus" : "1. Request overhead of tenancy",
            $"GET /students, page of {PageSize}, {tenants.Count} academies x 60 students, {Concurrency} keep-alive clients, " +
            $"{(options.WarmUp * 2).TotalSeconds:F0} s warm-up each, then {OverheadRounds(options)} rounds of " +
            $"{options.TrialDuration.TotalSeconds:F0} s, the services in turn; " +
            "services pinned to core 0, Postgres and load on core 1; " +
            "CPU from /proc, per request, for the service and for the whole Postgres server. " +
            "(a) full pipeline: host resolution, per-academy rate limit, JWT, binding, query filters, row-level security with the " +
            "tenant in the query's batch. (b) baseline (bench/TatamiTech.Bench.Baseline): the same query and service defaults, " +
            "tenancy and authentication removed. (c) bare EF anchor (bench/TatamiTech.Bench.BareEf): what a developer would write " +
            "without the platform: minimal API, pooled context, the academy in the WHERE clause, superuser, no service defaults, " +
            "with the Npgsql settings the services use (no reset on close, automatic preparation, the same pool size); " +
            "(b) has the same; (c0) the same app with Npgsql's defaults, for reference only. " +
            (postgres.IsCitus ? string.Empty
                : "(d) on one server: the full pipeline on a database of its own whose wall procedure is the one Citus needs " +
                  "(SET LOCAL and a row-locking read, docs/citus.md): what one procedure for both databases would cost here. ") +
            "Ratios are medians of per-round ratios, [25th-75th percentile] beside them.");
        foreach (var contender in contenders)
        {
            report.Row($"{contender.Name}: service CPU / Postgres CPU per request",
                $"{Report.F(Stats.Median(contender.ServiceCpu), 0)} / {Report.F(Stats.Median(contender.DatabaseCpu), 0)} us",
                $"throughput {Report.F(Stats.Median(contender.Results.Select(r => r.Throughput)), 0)} req/s, p50 / p99 " +
                $"{Report.F(Stats.Median(contender.Results.Select(r => r.P50Ms)), 2)} / " +
                $"{Report.F(Stats.Median(contender.Results.Select(r => r.P99Ms)), 2)} ms, " +
                $"{contender.Results.Sum(r => r.Failures)} failed");
        }

        // A failed request is cheap and fast: rounds with failures would flatter whichever side fails.
        var failures = contenders.Sum(c => c.Results.Sum(r => r.Failures));
        report.Row("failed requests, all services and rounds", Report.F(failures, 0), Report.Verdict(failures, 0, atMost: true));
        BenchOutcome.Failed |= failures > 0;

        Compare(report, full, anchorRounds, "a/c", serviceTarget: 1.25, databaseTarget: 1.25, throughputTarget: 0.80, p99Target: 1.5);
        Compare(report, full, contenders[3], "a/c0", serviceTarget: null, databaseTarget: null, throughputTarget: null);
        Compare(report, full, bare, "a/b", serviceTarget: null, databaseTarget: null, throughputTarget: null);
        Compare(report, bare, anchorRounds, "b/c", serviceTarget: null, databaseTarget: null, throughputTarget: null);
        if (contenders.Length > 4)
        {
            Compare(report, contenders[4], anchorRounds, "d/c", serviceTarget: 1.25, databaseTarget: 1.25, throughputTarget: 0.80);
            Compare(report, contenders[4], full, "d/a", serviceTarget: null, databaseTarget: null, throughputTarget: null);
        }

        report.Row("(a) database commands per request, warm tenant cache", Report.F(warmCommands, 2),
            "target 1: the tenant setting rides in the query's batch; each Npgsql command is one round trip");
        report.Row("(a) database commands per request, first request of each academy", Report.F(coldCommands, 2),
            "+1 tenant directory read, then cached");
        report.Row("(b) database commands per request", Report.F(bareCommands, 2));
        report.Row("(a) EF Core query compilations in 500 warm requests", Report.F(cacheMisses, 0),
            "the tenant is a query parameter: one compiled query serves every academy");
        report.EndSection();
    }

    private const string OnePathDatabase = "tatamidb_onepath";

    /// <summary>A database like the main one whose wall's procedure is the one Citus needs, with its own academies.</summary>
    private static async Task<(IReadOnlyList<TenantInfo> Tenants, string[] Tokens)> OnePathAsync(BenchPostgres postgres)
    {
        await postgres.CreateDatabaseAsync(OnePathDatabase);
        await WorkerScaling.MigrateAsync(postgres, OnePathDatabase);
        await using (var owner = new Npgsql.NpgsqlConnection(postgres.OwnerConnectionString(OnePathDatabase)))
        {
            await owner.OpenAsync();
            await DistributedWall.InstallAsync(owner, onCitus: false, CancellationToken.None);
        }

        var tenants = await BenchTenants.CreateAsync(postgres, OnePathDatabase, "load", 100, 60);
        return (tenants, [.. tenants.Select(BenchTenants.Token)]);
    }

    /// <summary>More rounds than the other sections: the ratios' spread is what the targets are judged on.</summary>
    private static int OverheadRounds(BenchOptions options) => options.Rounds * 2;

    private static void Compare(
        Report report,
        Contender over,
        Contender under,
        string name,
        double? serviceTarget,
        double? databaseTarget,
        double? throughputTarget,
        double? p99Target = null)
    {
        var service = over.ServiceCpu.Zip(under.ServiceCpu, (a, b) => a / b).ToList();
        var database = over.DatabaseCpu.Zip(under.DatabaseCpu, (a, b) => a / b).ToList();
        var throughput = over.Results.Zip(under.Results, (a, b) => a.Throughput / b.Throughput).ToList();
        report.Row(
            $"ratio {name}: service CPU per request", Spread(service), Report.Verdict(Stats.Median(service), serviceTarget, atMost: true));
        report.Row(
            $"ratio {name}: Postgres CPU per request",
            Spread(database),
            Report.Verdict(Stats.Median(database), databaseTarget, atMost: true));
        report.Row(
            $"ratio {name}: throughput", Spread(throughput), Report.Verdict(Stats.Median(throughput), throughputTarget, atMost: false));
        var p99 = over.Results.Zip(under.Results, (a, b) => a.P99Ms / b.P99Ms).ToList();
        report.Row($"ratio {name}: p99 latency", Spread(p99), Report.Verdict(Stats.Median(p99), p99Target, atMost: true));
    }

    private static string Spread(List<double> ratios)
    {
        var sorted = ratios.Order().ToList();
        var (low, high) = (Stats.Percentile(sorted, 25), Stats.Percentile(sorted, 75));
        return $"{Report.F(Stats.Median(sorted), 2)} [{Report.F(low, 2)}-{Report.F(high, 2)}]";
    }

    /// <summary>One service under load and what each of its rounds measured.</summary>
    private sealed class Contender(string name, ServiceProcess service, Func<long, HttpRequestMessage> next)
    {
        public string Name => name;

        public ServiceProcess Service => service;

        public Func<long, HttpRequestMessage> Next => next;

        public List<LoadResult> Results { get; } = [];

        public List<double> ServiceCpu { get; } = [];

        public List<double> DatabaseCpu { get; } = [];

        public void Add(LoadResult result, double serviceCpu, double databaseCpu)
        {
            Results.Add(result);
            ServiceCpu.Add(serviceCpu);
            DatabaseCpu.Add(databaseCpu);
        }
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
