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
/// One academy sends ten times its rate limit while nineteen others send ordinary traffic. The nineteen
/// must get no 429, and their p99 must stay within 1.5x of their p99 without the flood, that is with the
/// same academy sending at its limit: what the limit isolates is the excess. Their p99 with no neighbour
/// at all is printed beside it. Measured in one run against an API of its own with a small limit.
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
        environment["Tenancy__RateLimits__Academy__PermitsPerSecond"] = limit;
        environment["Tenancy__RateLimits__Academy__Burst"] = limit;
        await using var api = await ServiceProcess.StartAsync("TatamiTech.Api", environment, ServicePaths.Health);
        using var client = LoadGenerator.NewClient(64);
        var noisy = tenants[0];
        var quiet = tenants.Skip(1).ToList();
        var duration = TimeSpan.FromSeconds(options.Quick ? 8 : 20);

        // Warm-up; the quiet academies alone; beside the neighbour at its limit; beside its flood.
        await RunPhaseAsync(client, api, quiet, noisy: null, 0, TimeSpan.FromSeconds(options.Quick ? 4 : 8));
        var alone = await RunPhaseAsync(client, api, quiet, noisy: null, 0, duration);
        var atLimit = await RunPhaseAsync(client, api, quiet, noisy, LimitPerSecond, duration);
        var flooded = await RunPhaseAsync(client, api, quiet, noisy, 10 * LimitPerSecond, duration);

        var ratio = flooded.QuietP99 / atLimit.QuietP99;
        var pass = flooded.Quiet429 == 0 && atLimit.Quiet429 == 0 && alone.Quiet429 == 0 && flooded.QuietErrors == 0
            && ratio <= P99Bound && flooded.Noisy429 > 0;
        report.Row(
            $"drill: noisy neighbour (1 academy at 10x its {LimitPerSecond}/s limit, 19 at {OrdinaryPerSecond}/s each)",
            pass ? "PASS" : "FAIL",
            $"the nineteen: 429s {flooded.Quiet429}; p99 {Report.F(atLimit.QuietP99)} ms beside the neighbour at its limit, " +
            $"{Report.F(flooded.QuietP99)} ms beside its flood ({Report.F(ratio, 2)}x, bound {P99Bound}x), " +
            $"{Report.F(alone.QuietP99)} ms with no neighbour ({Report.F(flooded.QuietP99 / alone.QuietP99, 2)}x); " +
            $"p50 {Report.F(alone.QuietP50)} / {Report.F(atLimit.QuietP50)} / {Report.F(flooded.QuietP50)} ms; " +
            $"the noisy one: {flooded.NoisySent:N0} sent, {flooded.Noisy429:N0} answered 429, {flooded.NoisyOk:N0} served");
        if (!pass)
        {
            BenchOutcome.Failed = true;
        }
    }

    private sealed record Phase(double QuietP50, double QuietP99, int Quiet429, int QuietErrors, int NoisySent, int Noisy429, int NoisyOk);

    /// <summary>Open loop: requests leave on a fixed schedule whether or not earlier ones were answered.</summary>
    private static async Task<Phase> RunPhaseAsync(
        HttpClient client, ServiceProcess api, IReadOnlyList<TenantInfo> quiet, TenantInfo? noisy, int noisyPerSecond, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var quiet429 = 0;
        var quietErrors = 0;
        var noisySent = 0;
        var noisy429 = 0;
        var noisyOk = 0;
        var tokens = quiet.ToDictionary(t => t.Id, BenchTenants.Token);
        var noisyToken = noisy is null ? null : BenchTenants.Token(noisy);
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
                inFlight.Add(SendAsync(client, api, tenant, tokens[tenant.Id], response =>
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

        Task noisySender = Task.CompletedTask;
        if (noisy is not null)
        {
            noisySender = Task.Run(async () =>
            {
                var interval = TimeSpan.FromSeconds(1.0 / noisyPerSecond);
                var next = TimeSpan.Zero;
                while (next < duration)
                {
                    await DelayUntil(clock, next);
                    // The timer is coarser than the interval: send every request that is due.
                    while (next <= clock.Elapsed && next < duration)
                    {
                        Interlocked.Increment(ref noisySent);
                        inFlight.Add(SendAsync(client, api, noisy, noisyToken!, response =>
                        {
                            if (response.Status == HttpStatusCode.TooManyRequests)
                            {
                                Interlocked.Increment(ref noisy429);
                            }
                            else if (response.Status == HttpStatusCode.OK)
                            {
                                Interlocked.Increment(ref noisyOk);
                            }
                        }));
                        next += interval;
                    }
                }
            });
        }

        await Task.WhenAll([.. quietSenders, noisySender]);
        await Task.WhenAll(inFlight);
        var sorted = latencies.Order().ToArray();
        return new Phase(
            Stats.Percentile(sorted, 50), Stats.Percentile(sorted, 99), quiet429, quietErrors, noisySent, noisy429, noisyOk);
    }

    private static async Task SendAsync(
        HttpClient client, ServiceProcess api, TenantInfo tenant, string token, Action<(HttpStatusCode Status, double Elapsed)> done)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.Address, "/students?pageSize=20"));
        request.Headers.Host = BenchTenants.Host(tenant);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
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
