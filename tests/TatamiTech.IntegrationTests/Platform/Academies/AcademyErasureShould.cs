using System.Text.Json;
using Npgsql;
using TatamiTech.IntegrationTests.AppHost.Citus;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Platform.Academies;

/// <summary>
/// Export and erasure of an academy through the platform service: every table with a tenant_id column in the
/// catalog, the model's or not, in the academy's scope only; after an erasure no such table holds a row of it,
/// and no other academy lost a row.
/// </summary>
[Collection(StackCollection.Name)]
public class AcademyErasureShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [SkippableFact]
    public async Task ExportEveryRowOfTheAcademyAndNothingElse()
    {
        Stack.SkipUnlessStarted();
        var (slug, id, _) = await AcademyWithDataAsync();

        using var export = await Stack.OperatorAsync(HttpMethod.Get, $"/academies/{slug}/export");

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType?.MediaType);
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var perTable = lines.GroupBy(l => l.GetProperty("table").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(await RowsPerTableAsync(id), perTable);
        Assert.All(lines, l => Assert.Equal(id, l.GetProperty("row").GetProperty("tenant_id").GetGuid()));
    }

    [SkippableFact]
    public async Task EraseOnlyASuspendedAcademyAndLeaveNoRowOfIt()
    {
        Stack.SkipUnlessStarted();
        var (slug, id, token) = await AcademyWithDataAsync();
        var othersBefore = await OtherAcademiesRowsAsync(id);

        using (var refused = await Stack.OperatorAsync(HttpMethod.Delete, $"/academies/{slug}"))
        {
            await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
        }

        using (var suspend = await Stack.OperatorAsync(HttpMethod.Post, $"/academies/{slug}/suspend", new { reason = "closing down" }))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        var expected = await RowsPerTableAsync(id);
        // Every API process has the academy in its cache (as suspended) before it is erased. The suspension
        // reaches each process by notification, within the propagation bound, not with the operator's answer.
        await Propagation.OnEveryApiReplicaAsync(Stack, async replica =>
        {
            using var cached = await replica.SendAsync($"{slug}.localhost", HttpMethod.Get, "/students", token);
            return cached.StatusCode == HttpStatusCode.Forbidden;
        });

        using var erased = await Stack.OperatorAsync(HttpMethod.Delete, $"/academies/{slug}");

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var deleted = (await erased.Content.ReadFromJsonAsync<Dictionary<string, int>>())!;
        Assert.Equal(1, deleted["tenants"]);
        foreach (var (table, count) in expected)
        {
            Assert.Equal(count, deleted[table]);
        }

        Assert.Empty(await RowsPerTableAsync(id));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM tenants WHERE id = $1", id));
        Assert.Equal(othersBefore, await OtherAcademiesRowsAsync(id));

        // Every process that served it forgets it within a second.
        await Propagation.OnEveryApiReplicaAsync(Stack, async replica =>
        {
            using var gone = await replica.SendAsync($"{slug}.localhost", HttpMethod.Get, "/students", token);
            return gone.StatusCode == HttpStatusCode.NotFound;
        });

        using var missing = await Stack.OperatorAsync(HttpMethod.Delete, $"/academies/{slug}");
        await ProblemAssert.IsProblem(missing, HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task ExportAndEraseATenantTableTheModelDoesNotKnow()
    {
        Stack.SkipUnlessStarted();
        var (slug, id, _) = await AcademyWithDataAsync();
        // Two tables no entity maps, conforming to the tenancy rules; the child sorts after its parent, so only
        // the catalog's references (not the names) give an order that deletes them.
        var suffix = $"{Guid.NewGuid():N}"[..8];
        var (parent, child) = ($"extra_a_{suffix}", $"extra_b_{suffix}");
        // On Citus each is distributed as the migration service distributes a table a later migration adds: the
        // parent before the child, whose reference to it is added once both are.
        var distribute = Stack is CitusStackFixture
            ? (Func<string, string>)(table => $"SELECT create_distributed_table('{table}', 'tenant_id', colocate_with => 'students');")
            : _ => string.Empty;
        try
        {
            await ExecuteAsync($"""
                CREATE TABLE {parent} (tenant_id uuid NOT NULL REFERENCES tenants (id), id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
                {distribute(parent)}
                CREATE TABLE {child} (
                    tenant_id uuid NOT NULL REFERENCES tenants (id), id uuid NOT NULL, parent_id uuid NOT NULL,
                    PRIMARY KEY (tenant_id, id));
                {distribute(child)}
                ALTER TABLE {child} ADD FOREIGN KEY (tenant_id, parent_id) REFERENCES {parent} (tenant_id, id);
                """ + string.Concat(new[] { parent, child }.Select(table => $"""
                ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON {table}
                    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
                    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
                GRANT SELECT, DELETE ON {table} TO tatami_platform;
                """)));
            // One row of each in this academy and one in another, written past the wall as the owner.
            await ExecuteAsync($"INSERT INTO {parent} VALUES ($1, gen_random_uuid()), ($2, gen_random_uuid())", id, Alpha.Id);
            await ExecuteAsync($"INSERT INTO {child} SELECT tenant_id, gen_random_uuid(), id FROM {parent}");
            var report = await SchemaConformance.CheckAsync(Stack.OwnerConnectionString);
            Assert.DoesNotContain(report.Violations, v => v.Contains(suffix, StringComparison.Ordinal));

            using (var export = await Stack.OperatorAsync(HttpMethod.Get, $"/academies/{slug}/export"))
            {
                var tables = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("table").GetString()).ToList();
                Assert.Equal(1, tables.Count(t => t == parent));
                Assert.Equal(1, tables.Count(t => t == child));
                Assert.True(tables.IndexOf(parent) < tables.IndexOf(child), "A parent's rows come before its children's.");
            }

            using (var suspend = await Stack.OperatorAsync(HttpMethod.Post, $"/academies/{slug}/suspend", new { reason = "closing down" }))
            {
                Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
            }

            using var erased = await Stack.OperatorAsync(HttpMethod.Delete, $"/academies/{slug}");

            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
            var deleted = (await erased.Content.ReadFromJsonAsync<Dictionary<string, int>>())!;
            Assert.Equal(1, deleted[parent]);
            Assert.Equal(1, deleted[child]);
            Assert.Empty(await RowsPerTableAsync(id));
            Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM {child} WHERE tenant_id = $1", Alpha.Id));
        }
        finally
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS {child}; DROP TABLE IF EXISTS {parent};");
        }
    }

    /// <summary>A new academy with students, a promotion and a roster report, served by the API.</summary>
    private async Task<(string Slug, Guid Id, string Token)> AcademyWithDataAsync()
    {
        var slug = $"er{Guid.NewGuid():N}"[..14];
        using var created = await Stack.OperatorAsync(
            HttpMethod.Post, "/academies", new { slug, name = "Erasable Dojo", timeZone = "UTC" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var token = TestTokens.Create(id.ToString());
        var host = $"{slug}.localhost";
        await Propagation.ServedOnEveryApiReplicaAsync(Stack, host, token);

        Guid student = default;
        for (var i = 0; i < 3; i++)
        {
            using var added = await Stack.Api.SendAsync(host, HttpMethod.Post, "/students", token, new
            {
                firstName = "Erase", lastName = $"Me{i}", email = $"e{Guid.NewGuid():N}@example.com", beltRank = "white",
            });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            student = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        using (var promoted = await Stack.Api.SendAsync(
            host, HttpMethod.Post, $"/students/{student}/promotions", token, new { toRank = "yellow" }))
        {
            Assert.Equal(HttpStatusCode.Created, promoted.StatusCode);
        }

        using (var run = await Stack.RunRosterNowAsync())
        {
            Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        }

        return (slug, id, token);
    }

    /// <summary>Rows of the academy in every table with a tenant_id column, from the catalog, as the owner.</summary>
    private async Task<Dictionary<string, int>> RowsPerTableAsync(Guid academy)
    {
        var counts = new Dictionary<string, int>();
        foreach (var table in await TenantTablesAsync())
        {
            var count = await ScalarAsync($"SELECT count(*) FROM public.{table} WHERE tenant_id = $1", academy);
            if (count > 0)
            {
                counts[table] = (int)count;
            }
        }

        return counts;
    }

    private async Task<string> OtherAcademiesRowsAsync(Guid academy)
    {
        var parts = new List<string>();
        foreach (var table in await TenantTablesAsync())
        {
            parts.Add($"{table}:{await ScalarAsync($"SELECT count(*) FROM public.{table} WHERE tenant_id <> $1", academy)}");
        }

        return string.Join(",", parts);
    }

    private async Task<List<string>> TenantTablesAsync()
    {
        await using var connection = new NpgsqlConnection(Stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped " +
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' ORDER BY 1",
            connection);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private async Task ExecuteAsync(string sql, params Guid[] values)
    {
        await using var connection = new NpgsqlConnection(Stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql, Guid academy)
    {
        await using var connection = new NpgsqlConnection(Stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = academy } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
