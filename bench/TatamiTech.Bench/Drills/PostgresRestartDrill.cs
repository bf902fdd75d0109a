using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TatamiTech.Bench.Infrastructure;

namespace TatamiTech.Bench.Drills;

/// <summary>
/// Postgres stopped (fast shutdown) for a few seconds under a stream of writes and reads, then started
/// again. The API must answer 503 problems while it is down (no hangs, no 500s), recover by itself, and
/// every write it acknowledged must be in the database afterwards.
/// </summary>
internal static class PostgresRestartDrill
{
    private const int Concurrency = 8;
    private static readonly TimeSpan s_down = TimeSpan.FromSeconds(4);

    public static async Task RunAsync(BenchPostgres postgres, ServiceProcess api, Report report)
    {
        var tenants = await BenchTenants.CreateAsync(postgres, "tatamidb", "rst", 20, 10);
        var tokens = tenants.Select(BenchTenants.Token).ToArray();
        var acknowledged = new ConcurrentBag<Guid>();
        var statuses = new ConcurrentDictionary<int, int>();
        var slowest = 0L;
        var clock = Stopwatch.StartNew();
        var firstSuccessAfterStart = long.MaxValue;
        var startedAt = long.MaxValue;
        using var stop = new CancellationTokenSource();
        using var client = LoadGenerator.NewClient(Concurrency);

        var load = Enumerable.Range(0, Concurrency).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var tenant = (worker + i) % tenants.Count;
                var write = i % 2 == 0;
                using var request = new HttpRequestMessage(
                    write ? HttpMethod.Post : HttpMethod.Get, new Uri(api.Address, "/students?pageSize=20"));
                if (write)
                {
                    request.Content = JsonContent.Create(new
                    {
                        firstName = "Restart",
                        lastName = "Drill",
                        email = $"r{Guid.NewGuid():N}@{tenants[tenant].Slug}.bench",
                        beltRank = "white",
                    });
                }

                request.Headers.Host = BenchTenants.Host(tenants[tenant]);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[tenant]);
                var sent = clock.ElapsedTicks;
                int status;
                try
                {
                    using var response = await client.SendAsync(request);
                    status = (int)response.StatusCode;
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
                    }
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                catch (TaskCanceledException)
                {
                    status = -1;
                }

                var now = clock.ElapsedTicks;
                InterlockedMax(ref slowest, now - sent);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status is >= 200 and < 300 && sent > Interlocked.Read(ref startedAt))
                {
                    InterlockedMin(ref firstSuccessAfterStart, now);
                }

                if (status == 503)
                {
                    await Task.Delay(100);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var stopping = clock.Elapsed;
        await postgres.StopServerAsync();
        var stopped = clock.Elapsed;
        await Task.Delay(s_down);
        await postgres.StartServerAsync();
        Interlocked.Exchange(ref startedAt, clock.ElapsedTicks);
        var started = clock.Elapsed;
        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref firstSuccessAfterStart) == long.MaxValue && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var recovered = Interlocked.Read(ref firstSuccessAfterStart);
        var recovery = recovered == long.MaxValue
            ? (TimeSpan?)null
            : TimeSpan.FromTicks(
                (long)((recovered - Interlocked.Read(ref startedAt)) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        var lost = await LostAsync(postgres, acknowledged);
        var otherErrors = statuses.Where(s => s.Key is not (>= 200 and < 300) and not 503).Sum(s => s.Value);
        var slowestAnswer = TimeSpan.FromTicks((long)(slowest * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        var pass = lost == 0 && otherErrors == 0 && recovery is not null && slowestAnswer < TimeSpan.FromSeconds(15);

        report.Row("drill: Postgres restart under load", pass ? "PASS" : "FAIL",
            $"down {Report.F((started - stopping).TotalSeconds, 1)} s " +
            $"(fast stop took {Report.F((stopped - stopping).TotalSeconds, 1)} s); " +
            $"recovered {(recovery is { } r ? Report.F(r.TotalSeconds, 2) + " s" : "never")} after start; " +
            $"answers {string.Join(", ", statuses.OrderBy(s => s.Key)
                .Select(s => $"{(s.Key <= 0 ? "no answer" : s.Key.ToString())} x{s.Value}"))}; " +
            $"slowest {Report.F(slowestAnswer.TotalSeconds, 2)} s; acknowledged writes {acknowledged.Count}, lost {lost}");
        if (!pass)
        {
            BenchOutcome.Failed = true;
        }
    }

    private static async Task<int> LostAsync(BenchPostgres postgres, IEnumerable<Guid> ids)
    {
        await using var connection = new NpgsqlConnection(postgres.OwnerConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM unnest($1::uuid[]) AS a(id) WHERE NOT EXISTS (SELECT FROM students s WHERE s.id = a.id)", connection)
        {
            Parameters = { new() { Value = ids.ToArray() } },
        };
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }

    private static void InterlockedMin(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value < current; current = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }
}
