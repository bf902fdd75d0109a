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
/// Measured in one run against an API of its own with a small limit.
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
        var duration = TimeSpan.FromSeconds(options.Quick ? 8 : 20);
        var noisyToken = BenchTenants.Token(noisy);
        var flood = 10 * LimitPerSecond;

        // Warm-up; the quiet academies alone; beside the neighbour at its limit; beside each flood.
        await RunPhaseAsync(client, api, quiet, flood: null, TimeSpan.FromSeconds(options.Quick ? 4 : 8));
        var alone = await RunPhaseAsync(client, api, quiet, flood: null, duration);
        var atLimit = await RunPhaseAsync(client, api, quiet, new Flood(_ => (BenchTenants.Host(noisy), noisyToken), LimitPerSecond), duration);
        var members = await RunPhaseAsync(client, api, quiet, new Flood(_ => (BenchTenants.Host(noisy), noisyToken), flood), duration);
        Verdict(report, $"drill: noisy neighbour (1 academy at 10x its {LimitPerSecond}/s limit, 19 at {OrdinaryPerSecond}/s each)",
            members, atLimit, "beside the neighbour at its limit", alone, expectRefused: true);

        var anonymous = await RunPhaseAsync(client, api, quiet, new Flood(_ => (BenchTenants.Host(attacked), null), flood), duration);
        Verdict(report, $"drill: anonymous flood on one academy's host ({flood}/s, no token)",
            anonymous, alone, "with no flood", alone, expectRefused: true);

        var otherToken = await RunPhaseAsync(client, api, quiet, new Flood(_ => (BenchTenants.Host(attacked), noisyToken), flood), duration);
        Verdict(report, $"drill: another academy's tokens on one academy's host ({flood}/s)",
            otherToken, alone, "with no flood", alone, expectRefused: true);

        var invented = await RunPhaseAsync(
            client, api, quiet, new Flood(i => ($"z{i:D7}x{Guid.NewGuid():N}"[..20] + "." + BenchTenants.RootDomain, null), flood), duration);
        Verdict(report, $"drill: invented hosts ({flood}/s, each a new subdomain)",
            invented, alone, "with no flood", alone, expectRefused: false);
    }

    /// <summary>The nineteen's 429s (target 0) and p99 against the phase they are compared with (target 1.5x).</summary>
    private static void Verdict(Report report, string figure, Phase flooded, Phase compared, string comparedName, Phase alone, bool expectRefused)
    {
        var ratio = flooded.QuietP99 / compared.QuietP99;
        var floodLimited = expectRefused ? flooded.Flood429 > 0 : flooded.FloodAnswers.GetValueOrDefault(HttpStatusCode.NotFound) == flooded.FloodSent;
        var pass = flooded.Quiet429 == 0 && compared.Quiet429 == 0 && flooded.QuietErrors == 0 && ratio <= P99Bound && floodLimited;
        report.Row(
            figure,
            pass ? "PASS" : "FAIL",
            $"the nineteen: 429s {flooded.Quiet429}, errors {flooded.QuietErrors}; p99 {Report.F(compared.QuietP99)} ms {comparedName}, " +
            $"{Report.F(flooded.QuietP99)} ms beside the flood ({Report.F(ratio, 2)}x, bound {P99Bound}x), " +
            $"{Report.F(alone.QuietP99)} ms with no flood ({Report.F(flooded.QuietP99 / alone.QuietP99, 2)}x); " +
            $"p50 {Report.F(alone.QuietP50)} / {Report.F(flooded.QuietP50)} ms; the flood: {flooded.FloodSent:N0} sent, answered " +
            string.Join(", ", flooded.FloodAnswers.OrderBy(a => a.Key).Select(a => $"{(int)a.Key} x{a.Value:N0}")));
        if (!pass)
        {
            BenchOutcome.Failed = true;
        }
    }

    /// <summary>A flood: the host and token of its i-th request, and its rate.</summary>
    private sealed record Flood(Func<int, (string Host, string? Token)> Next, int PerSecond);

    private sealed record Phase(
        double QuietP50, double QuietP99, int Quiet429, int QuietErrors, int FloodSent, IReadOnlyDictionary<HttpStatusCode, int> FloodAnswers)
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
