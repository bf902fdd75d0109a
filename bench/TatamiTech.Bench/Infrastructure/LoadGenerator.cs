using System.Diagnostics;

namespace TatamiTech.Bench.Infrastructure;

internal sealed record LoadResult(int Requests, int Failures, double Throughput, double P50Ms, double P99Ms, double MaxMs);

/// <summary>
/// A closed loop at fixed concurrency over keep-alive connections: each of <c>concurrency</c> clients
/// sends its next request when the previous one is answered, for <c>duration</c>.
/// </summary>
internal static class LoadGenerator
{
    public static HttpClient NewClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
    })
    { Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<LoadResult> RunAsync(
        HttpClient client,
        int concurrency,
        TimeSpan duration,
        Func<long, HttpRequestMessage> next,
        Func<HttpResponseMessage, Task<bool>>? accept = null)
    {
        var latencies = new List<double>[concurrency];
        var failures = 0;
        var sequence = -1L;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            while (total.Elapsed < duration)
            {
                using var request = next(Interlocked.Increment(ref sequence));
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await client.SendAsync(request);
                    var ok = accept is null ? response.IsSuccessStatusCode : await accept(response);
                    if (accept is null)
                    {
                        await response.Content.CopyToAsync(Stream.Null);
                    }

                    if (!ok)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }

                mine.Add(watch.Elapsed.TotalMilliseconds);
            }
        })));

        var elapsed = total.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(all.Length, failures, all.Length / elapsed,
            Stats.Percentile(all, 50), Stats.Percentile(all, 99), all.Length == 0 ? double.NaN : all[^1]);
    }
}
