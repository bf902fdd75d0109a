using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Distribution;
using TatamiTech.Data.Wall;
using TatamiTech.MigrationService;
using TatamiTech.Names;
using TatamiTech.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace TatamiTech.IntegrationTests.AppHost.Citus;

/// <summary>
/// The drill for a big academy on the cluster: through the platform, its rows get a shard of their own and that shard
/// moves to the other worker, while the academy keeps writing and another academy keeps reading. Nothing written is
/// lost, no request fails, and the wall's probe still reaches every node.
/// </summary>
[Collection(CitusCollection.Name)]
public sealed class BigAcademyOnCitusShould(CitusStackFixture stack, ITestOutputHelper output)
{
    /// <summary>Each loop's pause between requests: well inside an academy's members' budget, however long a step takes.</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);

    [SkippableFact]
    public async Task KeepEveryWriteWhileItsShardIsIsolatedAndMoved()
    {
        stack.SkipUnlessStarted();
        var big = await stack.CreateServedAcademyAsync("citus-big");
        var other = await stack.CreateServedAcademyAsync("citus-other");
        using var stop = new CancellationTokenSource();
        var written = new ConcurrentQueue<string>();
        var failures = new ConcurrentQueue<string>();
        var writing = WriteUntilAsync(big, written, failures, stop.Token);
        var reading = ReadUntilAsync(other, failures, stop.Token);
        await WaitForAsync(() => written.Count >= 5);

        var clock = Stopwatch.StartNew();
        using var isolated = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{big.Slug}/isolate");
        var isolating = clock.Elapsed;
        var before = await isolated.Content.ReadFromJsonAsync<JsonElement>();
        using var nodes = await stack.OperatorAsync(HttpMethod.Get, "/nodes");
        var target = (await nodes.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
            .Select(n => n.GetProperty("id").GetInt32())
            .First(id => id != before.GetProperty("node").GetProperty("id").GetInt32());
        var writtenBeforeMove = written.Count;
        clock.Restart();
        using var moved = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{big.Slug}/move", new { nodeId = target });
        var moving = clock.Elapsed;
        var after = await moved.Content.ReadFromJsonAsync<JsonElement>();
        await WaitForAsync(() => written.Count >= writtenBeforeMove + 5);
        await stop.CancelAsync();
        await Task.WhenAll(writing, reading);
        output.WriteLine($"{written.Count} students written; isolating took {isolating.TotalSeconds:F1} s, moving {moving.TotalSeconds:F1} s.");

        Assert.Equal(HttpStatusCode.OK, isolated.StatusCode);
        Assert.True(before.GetProperty("isolated").GetBoolean(), before.ToString());
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(target, after.GetProperty("node").GetProperty("id").GetInt32());
        Assert.Equal(before.GetProperty("shardId").GetInt64(), after.GetProperty("shardId").GetInt64());
        Assert.Empty(failures);
        Assert.Equal(written.Order(StringComparer.Ordinal), await EmailsAsync(big));
        await using var dataSource = NpgsqlDataSource.Create(stack.RuntimeConnectionString);
        var wall = await new TenantWallCheck(dataSource, TimeProvider.System, NullLogger<TenantWallCheck>.Instance)
            .CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, wall.Status);
        var forced = await ForcedSecurityOnEveryShardAsync();
        Assert.Equal(new[] { true }, forced);
    }

    [SkippableFact]
    public async Task RefuseToMoveAnAcademyThatSharesItsShard()
    {
        stack.SkipUnlessStarted();
        var academy = await stack.CreateServedAcademyAsync("citus-shared");
        using var placement = await stack.OperatorAsync(HttpMethod.Get, $"/academies/{academy.Slug}/placement");
        var node = (await placement.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("node").GetProperty("id").GetInt32();

        using var moved = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{academy.Slug}/move", new { nodeId = node });
        using var nowhere = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{academy.Slug}/move", new { nodeId = -1 });

        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);
        Assert.Contains("isolate it first", await moved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
    }

    [SkippableFact]
    public async Task RecordAnIsolationOnceInTheAudit()
    {
        stack.SkipUnlessStarted();
        var academy = await stack.CreateServedAcademyAsync("citus-audit");

        using var first = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{academy.Slug}/isolate");
        using var again = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{academy.Slug}/isolate");
        using var audit = await stack.OperatorAsync(HttpMethod.Get, $"/audit?academyId={academy.Id}");
        var actions = (await audit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
            .Select(e => e.GetProperty("action").GetString()).ToList();

        Assert.True(first.StatusCode == HttpStatusCode.OK, string.Join("\n", stack.Telemetry.Logs.Where(l => l.Severity >= 17).Select(l => l.Body + " " + string.Join(";", l.Attributes))));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shardId").GetInt64(),
            (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shardId").GetInt64());
        Assert.Equal(["isolate"], actions);
    }

    [SkippableFact]
    public async Task BindTheOwnerAgainWhenMigratingAfterAPlacementThatStopped()
    {
        stack.SkipUnlessStarted();
        await ExecuteAsOwnerAsync($"SELECT {AcademyPlacementFunctions.Window}(true)");
        try
        {
            var lifted = await ForcedSecurityOnEveryShardAsync();

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
            builder.Configuration[$"ConnectionStrings:{ConnectionNames.Runtime}"] = stack.RuntimeConnectionString;
            builder.Configuration[$"ConnectionStrings:{ConnectionNames.Owner}"] = stack.OwnerConnectionString;
            builder.AddTatamiData();
            using (var migrations = builder.Build())
            {
                await migrations.MigrateDatabaseAsync();
            }

            Assert.Equal(new[] { false }, lifted);
            var forced = await ForcedSecurityOnEveryShardAsync();
            Assert.Equal(new[] { true }, forced);
        }
        finally
        {
            await ExecuteAsOwnerAsync($"SELECT {AcademyPlacementFunctions.Window}(false)");
        }
    }

    private Task ExecuteAsOwnerAsync(string sql) => OwnerSql.ExecuteAsync(stack.OwnerConnectionString, sql);

    /// <summary>Whether the tables' owner is bound again by row-level security, on the coordinator and every shard.</summary>
    private async Task<bool[]> ForcedSecurityOnEveryShardAsync()
    {
        await using var owner = new NpgsqlConnection(stack.OwnerConnectionString);
        await owner.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT DISTINCT relforcerowsecurity::text FROM pg_class WHERE relname IN (SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation')
            UNION
            SELECT DISTINCT result FROM run_command_on_placements('students', 'SELECT relforcerowsecurity FROM pg_class WHERE oid = ''%s''::regclass')
            """, owner);
        var values = new List<bool>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0) is "true" or "t");
        }

        return [.. values.Distinct()];
    }

    private async Task WriteUntilAsync(TestTenant academy, ConcurrentQueue<string> written, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var email = $"w{Guid.NewGuid():N}@example.com";
            using var response = await stack.Api.SendAsync(academy, HttpMethod.Post, "/students",
                new { firstName = "Kenji", lastName = "Sato", email, beltRank = "white" });
            if (response.StatusCode == HttpStatusCode.Created)
            {
                written.Enqueue(email);
            }
            else
            {
                failures.Enqueue($"write: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(Pace, CancellationToken.None);
        }
    }

    private async Task ReadUntilAsync(TestTenant academy, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var response = await stack.Api.SendAsync(academy, HttpMethod.Get, "/students");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures.Enqueue($"other academy's read: {(int)response.StatusCode}");
            }

            await Task.Delay(Pace, CancellationToken.None);
        }
    }

    private async Task<List<string>> EmailsAsync(TestTenant academy)
    {
        var emails = new List<string>();
        for (var page = 1; ; page++)
        {
            using var response = await stack.Api.SendAsync(academy, HttpMethod.Get, $"/students?page={page}&pageSize=100");
            var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
            emails.AddRange(items.Select(s => s.GetProperty("email").GetString()!));
            if (items.Count < 100)
            {
                return [.. emails.Order(StringComparer.Ordinal)];
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The writer made no progress within a minute.");
            await Task.Delay(50);
        }
    }
}
