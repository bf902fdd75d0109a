using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.AppHost.Citus;

/// <summary>
/// <c>Postgres:Mode=citus</c> through the real AppHost: each node is a resource, the workers have joined the
/// coordinator before anything migrates, and the services serve academies on it.
/// </summary>
[Collection(CitusCollection.Name)]
public sealed class CitusClusterShould(CitusStackFixture stack)
{
    [SkippableFact]
    public async Task JoinBothWorkersToTheCoordinator()
    {
        stack.SkipUnlessStarted();
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_dist_node WHERE isactive AND noderole = 'primary' AND groupid <> 0", connection);

        Assert.Equal((long)ResourceNames.CitusWorkers.Length, await command.ExecuteScalarAsync());
    }

    [SkippableFact]
    public void ShowEachNodeAsAResource()
    {
        stack.SkipUnlessStarted();
        var names = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Select(r => r.Name).ToHashSet();

        Assert.Contains(ResourceNames.Postgres, names);
        Assert.All(ResourceNames.CitusWorkers, worker => Assert.Contains(worker, names));
    }

    [SkippableFact]
    public async Task DistributeEveryTenantTableOnTenantIdInOneColocationGroup()
    {
        stack.SkipUnlessStarted();
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT p.tablename, d.partmethod::text, d.colocationid,
                   (SELECT count(DISTINCT s.groupid) FROM pg_dist_placement s JOIN pg_dist_shard h USING (shardid)
                     WHERE h.logicalrelid = d.logicalrelid AND s.groupid <> 0)
              FROM pg_policies p
              LEFT JOIN pg_dist_partition d ON d.logicalrelid = ('public.' || p.tablename)::regclass
             WHERE p.policyname = 'tenant_isolation'
            """, connection);
        var tables = new List<(string Table, string? Method, int? Group, long Workers)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetInt64(3)));
            }
        }

        Assert.NotEmpty(tables);
        Assert.All(tables, t => Assert.True(t.Method == "h", $"{t.Table} is not distributed by hash."));
        Assert.Single(tables.Select(t => t.Group).Distinct());
        Assert.All(tables, t => Assert.True(t.Workers == ResourceNames.CitusWorkers.Length, $"{t.Table} has shards on {t.Workers} workers."));
        await using var directory = new NpgsqlCommand("SELECT partmethod::text FROM pg_dist_partition WHERE logicalrelid = 'tenants'::regclass", connection);
        Assert.Equal("n", await directory.ExecuteScalarAsync());
    }

    [SkippableFact]
    public async Task ProbeTheWallOnEveryWorker()
    {
        stack.SkipUnlessStarted();
        await using var dataSource = NpgsqlDataSource.Create(stack.RuntimeConnectionString);
        await using var owner = new NpgsqlConnection(stack.OwnerConnectionString);
        await owner.OpenAsync();
        await using var nodes = new NpgsqlCommand("SELECT nodename || ':' || nodeport FROM pg_dist_node WHERE groupid <> 0", owner);
        var workers = new List<string>();
        await using (var reader = await nodes.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                workers.Add(reader.GetString(0));
            }
        }

        var result = await new TenantWallCheck(dataSource, TimeProvider.System, NullLogger<TenantWallCheck>.Instance)
            .CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(ResourceNames.CitusWorkers.Length, workers.Count);
        Assert.All(workers, worker => Assert.Contains(worker, result.Description, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task FailReadinessWhenTheSettingStaysOnTheCoordinator()
    {
        stack.SkipUnlessStarted();
        await using var owner = new NpgsqlConnection(stack.OwnerConnectionString);
        await owner.OpenAsync();
        await using var definition = new NpgsqlCommand(
            $"SELECT pg_get_functiondef('{DatabaseWall.SetTenantProcedure}'::regproc)", owner);
        var citusWall = (string)(await definition.ExecuteScalarAsync())!;
        await using var dataSource = NpgsqlDataSource.Create(stack.RuntimeConnectionString);
        Assert.Equal(HealthStatus.Healthy, (await new TenantWallCheck(dataSource, TimeProvider.System, NullLogger<TenantWallCheck>.Instance).CheckHealthAsync(new HealthCheckContext())).Status);
        try
        {
            // The single-server wall: the setting is made on the coordinator only.
            await using var plain = new NpgsqlCommand($"""
                CREATE OR REPLACE PROCEDURE {DatabaseWall.SetTenantProcedure}(tenant uuid) LANGUAGE sql
                AS $$ SELECT set_config('{DatabaseWall.TenantSetting}', coalesce(tenant::text, ''), true) $$
                """, owner);
            await plain.ExecuteNonQueryAsync();

            var result = await new TenantWallCheck(dataSource, TimeProvider.System, NullLogger<TenantWallCheck>.Instance).CheckHealthAsync(new HealthCheckContext());

            Assert.Equal(HealthStatus.Unhealthy, result.Status);
        }
        finally
        {
            await using var restore = new NpgsqlCommand(citusWall, owner);
            await restore.ExecuteNonQueryAsync();
        }
    }

    [SkippableFact]
    public async Task ServeAnAcademysStudents()
    {
        stack.SkipUnlessStarted();
        var academy = await stack.CreateServedAcademyAsync("citus");
        var student = new { firstName = "Ren", lastName = "Ito", email = $"c{Guid.NewGuid():N}@example.com", beltRank = "white" };

        using var created = await stack.Api.SendAsync(academy, HttpMethod.Post, "/students", student);
        using var listed = await stack.Api.SendAsync(academy, HttpMethod.Get, "/students");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains(student.email, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ShowNoAcademyAnothersStudents()
    {
        stack.SkipUnlessStarted();
        var alpha = await stack.CreateServedAcademyAsync("citus-a");
        var bravo = await stack.CreateServedAcademyAsync("citus-b");
        var email = $"a{Guid.NewGuid():N}@example.com";
        using var created = await stack.Api.SendAsync(alpha, HttpMethod.Post, "/students",
            new { firstName = "Aiko", lastName = "Mori", email, beltRank = "white" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var own = await stack.Api.SendAsync(alpha, HttpMethod.Get, "/students");
        using var other = await stack.Api.SendAsync(bravo, HttpMethod.Get, "/students");
        using var foreign = await stack.Api.SendAsync(bravo, HttpMethod.Get, created.Headers.Location!.ToString());

        Assert.Contains(email, await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(email, await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [SkippableFact]
    public async Task RunTheRosterJobOnEveryAcademyWithoutAFailure()
    {
        stack.SkipUnlessStarted();
        await stack.CreateServedAcademyAsync("citus-roster");

        using var run = await stack.RunRosterNowAsync();
        var body = await run.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.Equal(0, body.GetProperty("failed").GetInt32());
        Assert.True(body.GetProperty("written").GetInt32() >= 1, body.ToString());
    }
}
