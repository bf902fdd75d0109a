using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using TatamiTech.Bench.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.Bench.Drills;

/// <summary>
/// Nineteen academies send ordinary traffic while someone floods at ten times an academy's rate limit:
/// <list type="bullet">
/// <item>a twentieth academy's own members: the nineteen must get no 429, and their p99 must stay within 1.5x
/// of their p99 with that academy sending at its limit (what the limit isolates is the excess);</item>
/// <item>outsiders on the host of one of the nineteen (no token; another academy's valid token) and invented
/// hosts: the nineteen, the attacked one included, must get no 429, and their p99 must stay within 1.5x of
/// their p99 with no flood at all.</item>
/// </list>
/// Measured in one run against an API of its own with a small limit, each flood in alternating rounds.
/// </summary>
internal static class NoisyNeighbourDrill
{
    private const int LimitPerSecond = 50;
    private const int OrdinaryPerSecond = 5;
    private const double P99Bound = 1.5;

    public static async Task RunAsync(BenchPostgres postgres, BenchOptions options, Report report)
    {
        var tenants = await BenchTenants.CreateAsync(postgres, "tatamidb", "nn", 20, 20);
        var environment = BenchTenants.ApiEnvironment(postgres);
        var limit = LimitPerSecond.ToString(CultureInfo.InvariantCulture);
        environment["Tenancy__RateLimits__Members__PermitsPerSecond"] = limit;
        environment["Tenancy__RateLimits__Members__Burst"] = limit;
        await using var api = await ServiceProcess.StartAsync("TatamiTech.Api", environment, ServicePaths.Health);
        using var client = LoadGenerator.NewClient(64);
        var noisy = tenants[0];
        var quiet = tenants.Skip(1).ToList();
        var attacked = quiet[0];
        var noisyToken = BenchTenants.Token(noisy);
        var flood = 10 * LimitPerSecond;
        var atLimit = new Flood(_ => (BenchTenants.Host(noisy), noisyToken), LimitPerSecond);
        var drill = new Drill(client, api, quiet, TimeSpan.FromSeconds(options.Quick ? 5 : 10), options.Quick ? 3 : 5);

        await RunPhaseAsync(client, api, quiet, flood: null, TimeSpan.FromSeconds(options.Quick ? 4 : 8));
        await drill.RunAsync(
            report,
            $"drill: noisy neighbour (1 academy at 10x its {LimitPerSecond}/s limit, 19 at {OrdinaryPerSecond}/s each)",
            new Flood(_ => (BenchTenants.Host(noisy), noisyToken), flood),
            atLimit,
            "beside the neighbour at its limit",
            expectRefused: true);
        await drill.RunAsync(report, $"drill: anonymous flood on one academy's host ({flood}/s, no token)",
            new Flood(_ => (BenchTenants.Host(attacked), null), flood), compared: null, "with no flood", expectRefused: true);
        await drill.RunAsync(report, $"drill: another academy's tokens on one academy's host ({flood}/s)",
            new Flood(_ => (BenchTenants.Host(attacked), noisyToken), flood), compared: null, "with no flood", expectRefused: true);
        await drill.RunAsync(report, $"drill: invented hosts ({flood}/s, each a new subdomain)",
            new Flood(i => ($"z{i:D7}x{Guid.NewGuid():N}"[..20] + "." + BenchTenants.RootDomain, null), flood),
            compared: null, "with no flood", expectRefused: false);
    }

    /// <summary>
    /// One flood against what it is compared with, in alternating rounds (the order swapped each round, so that a
    /// drift of the machine hits both alike): the nineteen's 429s over all rounds (target 0), and the median of the
    /// per-round ratios of their p99 (target 1.5x) with the rounds' spread.
    /// </summary>
    private sealed record Drill(HttpClient Client, ServiceProcess Api, IReadOnlyList<TenantInfo> Quiet, TimeSpan Phase, int Rounds)
    {
        public async Task RunAsync(Report report, string figure, Flood flood, Flood? compared, string comparedName, bool expectRefused)
        {
            var ratios = new List<double>();
            var flooded = new List<Phase>();
            var baselines = new List<Phase>();
            for (var round = 0; round < Rounds; round++)
            {
                Phase withFlood, without;
                if (round % 2 == 0)
                {
                    without = await RunPhaseAsync(Client, Api, Quiet, compared, Phase);
                    withFlood = await RunPhaseAsync(Client, Api, Quiet, flood, Phase);
                }
                else
                {
                    withFlood = await RunPhaseAsync(Client, Api, Quiet, flood, Phase);
                    without = await RunPhaseAsync(Client, Api, Quiet, compared, Phase);
                }

                flooded.Add(withFlood);
                baselines.Add(without);
                ratios.Add(withFlood.QuietP99 / without.QuietP99);
            }

            var ratio = Stats.Median(ratios);
            var quiet429 = flooded.Sum(p => p.Quiet429) + baselines.Sum(p => p.Quiet429);
            var errors = flooded.Sum(p => p.QuietErrors) + baselines.Sum(p => p.QuietErrors);
            var sent = flooded.Sum(p => p.FloodSent);
            var answers = flooded.SelectMany(p => p.FloodAnswers).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Sum(a => a.Value));
            var limited = expectRefused
                ? answers.GetValueOrDefault(HttpStatusCode.TooManyRequests) > 0
                : answers.GetValueOrDefault(HttpStatusCode.NotFound) == sent;
            var pass = quiet429 == 0 && errors == 0 && ratio <= P99Bound && limited;
            report.Row(
                figure,
                pass ? "PASS" : "FAIL",
                $"the nineteen: 429s {quiet429}, errors {errors}; p99 ratio to {comparedName} {Report.F(ratio, 2)}x " +
                $"(bound {P99Bound}x; rounds {string.Join(" / ", ratios.Select(r => Report.F(r, 2)))}); " +
                $"p99 {Report.F(Stats.Median(baselines.Select(p => p.QuietP99)))} ms {comparedName}, " +
                $"{Report.F(Stats.Median(flooded.Select(p => p.QuietP99)))} ms beside the flood (medians of {Rounds} rounds of " +
                $"{Phase.TotalSeconds:N0} s); the flood: {sent:N0} sent, answered " +
                string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{(int)a.Key} x{a.Value:N0}")));
            if (!pass)
            {
                BenchOutcome.Failed = true;
            }
        }
    }

    /// <summary>A flood: the host and token of its i-th request, and its rate.</summary>
    private sealed record Flood(Func<int, (string Host, string? Token)> Next, int PerSecond);

    private sealed record Phase(
        double QuietP50,
        double QuietP99,
        int Quiet429,
        int QuietErrors,
        int FloodSent,
        IReadOnlyDictionary<HttpStatusCode, int> FloodAnswers)
    {
        public int Flood429 => FloodAnswers.GetValueOrDefault(HttpStatusCode.TooManyRequests);
    }

    /// <summary>Open loop: requests leave on a fixed schedule whether or not earlier ones were answered.</summary>
    private static async Task<Phase> RunPhaseAsync(
        HttpClient client, ServiceProcess api, IReadOnlyList<TenantInfo> quiet, Flood? flood, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var quiet429 = 0;
        var quietErrors = 0;
        var floodSent = 0;
        var floodAnswers = new ConcurrentDictionary<HttpStatusCode, int>();
        var tokens = quiet.ToDictionary(t => t.Id, BenchTenants.Token);
        var inFlight = new ConcurrentBag<Task>();
        var clock = Stopwatch.StartNew();

        var quietSenders = quiet.Select((tenant, index) => Task.Run(async () =>
        {
            // Each academy's requests spread over its second, the academies offset from each other.
            var interval = TimeSpan.FromSeconds(1.0 / OrdinaryPerSecond);
            var next = interval * index / quiet.Count;
            while (next < duration)
            {
                await DelayUntil(clock, next);
                inFlight.Add(SendAsync(client, api, BenchTenants.Host(tenant), tokens[tenant.Id], response =>
                {
                    latencies.Add(response.Elapsed);
                    if (response.Status == HttpStatusCode.TooManyRequests)
                    {
                        Interlocked.Increment(ref quiet429);
                    }
                    else if (response.Status != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref quietErrors);
                    }
                }));
                next += interval;
            }
        })).ToList();

        Task floodSender = Task.CompletedTask;
        if (flood is not null)
        {
            floodSender = Task.Run(async () =>
            {
                var interval = TimeSpan.FromSeconds(1.0 / flood.PerSecond);
                var next = TimeSpan.Zero;
                while (next < duration)
                {
                    await DelayUntil(clock, next);
                    // The timer is coarser than the interval: send every request that is due.
                    while (next <= clock.Elapsed && next < duration)
                    {
                        var (host, token) = flood.Next(Interlocked.Increment(ref floodSent));
                        inFlight.Add(SendAsync(client, api, host, token, response =>
                            floodAnswers.AddOrUpdate(response.Status, 1, (_, count) => count + 1)));
                        next += interval;
                    }
                }
            });
        }

        await Task.WhenAll([.. quietSenders, floodSender]);
        await Task.WhenAll(inFlight);
        var sorted = latencies.Order().ToArray();
        return new Phase(Stats.Percentile(sorted, 50), Stats.Percentile(sorted, 99), quiet429, quietErrors, floodSent, floodAnswers);
    }

    private static async Task SendAsync(
        HttpClient client, ServiceProcess api, string host, string? token, Action<(HttpStatusCode Status, double Elapsed)> done)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.Address, "/students?pageSize=20"));
        request.Headers.Host = host;
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request);
            await response.Content.CopyToAsync(Stream.Null);
            done((response.StatusCode, watch.Elapsed.TotalMilliseconds));
        }
        catch (HttpRequestException)
        {
            done((HttpStatusCode.ServiceUnavailable, watch.Elapsed.TotalMilliseconds));
        }
    }

    private static async Task DelayUntil(Stopwatch clock, TimeSpan due)
    {
        var wait = due - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}
