using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using Xunit.Abstractions;

namespace TatamiTech.IntegrationTests.Api.Database;

/// <summary>
/// The restart drill at test size: Postgres goes down under a stream of writes and comes back. While it
/// is down the API answers 503 problems promptly and its /health fails; afterwards it recovers by itself,
/// /health too; no write it acknowledged is missing.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class PostgresOutageShould(OutageStackFixture stack, ITestOutputHelper output)
{
    private static readonly TimeSpan s_promptAnswer = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AnswerUnavailableWhileDownRecoverAloneAndLoseNoAcknowledgedWrite()
    {
        var academy = (await stack.AcademiesOfAsync(GetType())).Alpha;
        var acknowledged = new ConcurrentBag<Guid>();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var unexpected = new ConcurrentBag<string>();
        var slowestTicks = 0L;
        var createdAfterRestart = 0;
        var restarted = false;
        using var stop = new CancellationTokenSource();

        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                using var response = await stack.Api.SendAsync(academy, HttpMethod.Post, "/students",
                    new { firstName = "Outage", lastName = "Drill", email = $"o{Guid.NewGuid():N}@example.com", beltRank = "white" });
                InterlockedMax(ref slowestTicks, watch.Elapsed.Ticks);
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created:
                        acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
                        if (Volatile.Read(ref restarted))
                        {
                            Interlocked.Increment(ref createdAfterRestart);
                        }

                        break;
                    case HttpStatusCode.ServiceUnavailable:
                        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                            || response.Headers.RetryAfter is null)
                        {
                            unexpected.Add("503 without problem details or Retry-After");
                        }

                        await Task.Delay(200);
                        break;
                    default:
                        unexpected.Add(
                            $"{DateTime.UtcNow:HH:mm:ss.fff} {(int)response.StatusCode}: " +
                            $"{await response.Content.ReadAsStringAsync()} {response.Headers}");
                        break;
                }
            }
        })).ToList();

        await WaitUntilAsync(() => statuses.GetValueOrDefault(HttpStatusCode.Created) >= 10, () => "writes before the outage");
        await stack.StopPostgresAsync();
        await WaitUntilAsync(() => statuses.ContainsKey(HttpStatusCode.ServiceUnavailable),
            () => $"a 503 while Postgres is down (other answers: {string.Join(" | ", unexpected.Take(3))})");
        await WaitForHealthAsync(HttpStatusCode.ServiceUnavailable, "while Postgres is down");
        await Task.Delay(TimeSpan.FromSeconds(2));

        await stack.App.ResourceCommands.ExecuteCommandAsync(ResourceNames.Postgres, KnownResourceCommands.StartCommand);
        Volatile.Write(ref restarted, true);
        await WaitUntilAsync(
            () => Volatile.Read(ref createdAfterRestart) >= 10, () => "writes after the restart", TimeSpan.FromSeconds(90));
        await WaitForHealthAsync(HttpStatusCode.OK, "after the restart");

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        output.WriteLine(
            $"answers: {string.Join(", ", statuses.Select(s => $"{(int)s.Key} x{s.Value}"))}; " +
            $"slowest {TimeSpan.FromTicks(slowestTicks).TotalMilliseconds:F0} ms");

        if (!unexpected.IsEmpty)
        {
            output.WriteLine(string.Join("\n", unexpected));
            output.WriteLine(string.Join("\n", await ApiLogLinesAsync("xception")));
        }

        Assert.Empty(unexpected);
        Assert.True(TimeSpan.FromTicks(slowestTicks) < s_promptAnswer, $"Slowest answer took {TimeSpan.FromTicks(slowestTicks)}.");
        Assert.Empty(await MissingAsync(acknowledged));
    }

    /// <summary>Polls /health until it answers <paramref name="expected"/>; fails past 30 s.</summary>
    private async Task WaitForHealthAsync(HttpStatusCode expected, string when)
    {
        var deadline = Stopwatch.StartNew();
        var answered = default(HttpStatusCode);
        while (answered != expected)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"/health answered {(int)answered}, not {(int)expected}, {when}.");
            using var response = await stack.Api.GetAsync(ServicePaths.Health);
            answered = response.StatusCode;
            await Task.Delay(answered == expected ? 0 : 200);
        }
    }

    private async Task<List<string>> ApiLogLinesAsync(string containing)
    {
        var lines = new List<string>();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await foreach (var batch in stack.App.Services.GetRequiredService<ResourceLoggerService>()
                .WatchAsync(ResourceNames.Api)
                .WithCancellation(enough.Token))
            {
                lines.AddRange(batch.Where(l => l.Content.Contains(containing, StringComparison.Ordinal)).Select(l => l.Content));
            }
        }
        catch (OperationCanceledException)
        {
            // The backlog has been read.
        }

        return lines.Distinct().Take(40).ToList();
    }

    private async Task<List<Guid>> MissingAsync(IEnumerable<Guid> ids)
    {
        // Unpooled: the pool's sessions died with the server.
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(stack.OwnerConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT a.id FROM unnest($1::uuid[]) AS a(id) WHERE NOT EXISTS (SELECT FROM students s WHERE s.id = a.id)", connection)
        {
            Parameters = { new() { Value = ids.ToArray() } },
        };
        var missing = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            missing.Add(reader.GetGuid(0));
        }

        return missing;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> what, TimeSpan? limit = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < (limit ?? TimeSpan.FromSeconds(30)), $"Timed out waiting for {what()}.");
            await Task.Delay(50);
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
