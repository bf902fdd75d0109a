using System.Text.Json.Nodes;
using Npgsql;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// Row-level security, generated from the catalog: for every table with a tenant_id column, as the runtime
/// role and in raw SQL, reads see only the academy in scope, updates and deletes reach nothing else, and
/// a row written for another academy is refused; with no academy in scope nothing is seen or written. A
/// new tenant table is covered without anyone writing a test.
/// </summary>
[Collection(StackCollection.Name)]
public class EveryTenantTableShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    private readonly Dictionary<string, JsonObject> _alphaRows = [];

    /// <summary>Gives alpha a row in every tenant table (a student, its promotion, a roster report).</summary>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Stack.Started)
        {
            return;
        }

        using var student = await Stack.Api.SendAsync(Alpha, HttpMethod.Post, "/students", new
        {
            firstName = "Catalog", lastName = "Probe", email = $"c{Guid.NewGuid():N}@example.com", beltRank = "white",
        });
        student.EnsureSuccessStatusCode();
        var id = (await student.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var promotion = await Stack.Api.SendAsync(
            Alpha, HttpMethod.Post, $"/students/{id}/promotions", new { toRank = "yellow" });
        promotion.EnsureSuccessStatusCode();
        using var run = await Stack.RunRosterNowAsync();
        run.EnsureSuccessStatusCode();
        await Stack.RegisterClientAsync(Alpha);
        await SignInAsync();
        using (var invited = await Stack.OperatorAsync(HttpMethod.Post, $"/academies/{Alpha.Slug}/invitations", new { role = "coach" }))
        {
            invited.EnsureSuccessStatusCode();
        }


        await using var owner = await OpenAsync(Stack.OwnerConnectionString);
        foreach (var table in await TenantTablesAsync(owner))
        {
            await using var read = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM {table} t WHERE tenant_id = $1 LIMIT 1", owner)
            {
                Parameters = { new() { Value = Alpha.Id } },
            };
            var row = (string?)await read.ExecuteScalarAsync()
                ?? throw new InvalidOperationException($"{table}: alpha has no row; give it one in InitializeAsync.");
            _alphaRows[table] = JsonNode.Parse(row)!.AsObject();
        }
    }

    /// <summary>A member of alpha (a membership) who signs in through the code flow (a redeemed code, a refresh grant).</summary>
    private async Task SignInAsync()
    {
        var (email, password) = await CodeFlow.MemberAsync(Stack, Alpha, "coach");
        var flow = new CodeFlow(Stack, "openid offline_access");
        using var signedIn = await flow.SignInAsync(Alpha, Alpha, email, password);
        using var redeemed = await flow.RedeemAsync(Alpha, CodeFlow.CodeOf(signedIn));
        await IdentityRequests.AccessTokenOfAsync(redeemed);
    }

    [SkippableFact]
    public void FindTheTenantTablesInTheCatalog()
    {
        Stack.SkipUnlessStarted();
        Assert.Superset(
            new HashSet<string> { "public.students", "public.belt_promotions", "public.roster_reports" },
            _alphaRows.Keys.ToHashSet());
    }

    [SkippableFact]
    public async Task ShowEveryTableOnlyTheAcademyInScope()
    {
        Stack.SkipUnlessStarted();
        foreach (var table in _alphaRows.Keys)
        {
            var tenants = await InScopeAsync(Alpha.Id, $"SELECT DISTINCT tenant_id FROM {table}", c => ReadGuidsAsync(c));
            Assert.True(tenants.SequenceEqual([Alpha.Id]), $"{table}: saw {string.Join(", ", tenants)}");
        }
    }

    [SkippableFact]
    public async Task LetNoUpdateOrDeleteReachAnotherAcademy()
    {
        Stack.SkipUnlessStarted();
        foreach (var table in _alphaRows.Keys)
        {
            Assert.Equal(0, await InScopeAsync(Alpha.Id, $"UPDATE {table} SET tenant_id = tenant_id WHERE tenant_id <> $1", Execute));
            Assert.Equal(0, await InScopeAsync(Alpha.Id, $"DELETE FROM {table} WHERE tenant_id <> $1", Execute));
        }
    }

    [SkippableFact]
    public async Task ReportNoRowAffectedWhenTheWallHidesTheRowAWriteNames()
    {
        Stack.SkipUnlessStarted();
        foreach (var (table, row) in _alphaRows)
        {
            var key = $"tenant_id = $1 AND id = '{row["id"]}'";
            foreach (var write in new[] { $"UPDATE {table} SET tenant_id = tenant_id WHERE {key}", $"DELETE FROM {table} WHERE {key}" })
            {
                // The row is there (one row for its own academy), so the other academy's zero is the wall's doing.
                Assert.True(await InScopeAsync(Alpha.Id, write, Execute) == 1, $"{table}: {write} as alpha");
                Assert.True(await InScopeAsync(Bravo.Id, write, Execute) == 0, $"{table}: {write} as bravo");
            }
        }
    }

    [SkippableFact]
    public async Task RefuseToMoveARowToAnotherAcademy()
    {
        Stack.SkipUnlessStarted();
        foreach (var table in _alphaRows.Keys)
        {
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => InScopeAsync(
                Alpha.Id, $"UPDATE {table} SET tenant_id = '{Bravo.Id}' WHERE tenant_id = $1", Execute));
            // The wall's WITH CHECK; a distributed database refuses first to change the column rows are placed by.
            Assert.True(
                refusal.SqlState == PostgresErrorCodes.InsufficientPrivilege
                || (refusal.SqlState == PostgresErrorCodes.FeatureNotSupported && refusal.MessageText.Contains("partition value")),
                $"{table}: {refusal.MessageText}");
        }
    }

    [SkippableFact]
    public async Task RefuseToWriteARowForAnotherAcademy()
    {
        Stack.SkipUnlessStarted();
        foreach (var (table, template) in _alphaRows)
        {
            var refusal = await Assert.ThrowsAsync<PostgresException>(
                () => InScopeAsync(Alpha.Id, Insert(table), c => InsertAsync(c, template, Bravo.Id)));
            Assert.True(refusal.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{table}: {refusal.MessageText}");
        }
    }

    [SkippableFact]
    public async Task SeeAndWriteNothingWithoutAnAcademyInScope()
    {
        Stack.SkipUnlessStarted();
        foreach (var (table, template) in _alphaRows)
        {
            Assert.Empty(await InScopeAsync(null, $"SELECT DISTINCT tenant_id FROM {table}", c => ReadGuidsAsync(c)));
            Assert.Equal(0, await InScopeAsync(null, $"UPDATE {table} SET tenant_id = tenant_id WHERE $1::uuid IS NOT NULL", Execute));
            Assert.Equal(0, await InScopeAsync(null, $"DELETE FROM {table} WHERE $1::uuid IS NOT NULL", Execute));

            var refusal = await Assert.ThrowsAsync<PostgresException>(
                () => InScopeAsync(null, Insert(table), c => InsertAsync(c, template, Alpha.Id)));
            Assert.True(refusal.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{table}: {refusal.MessageText}");
        }
    }

    /// <summary>
    /// A plain INSERT … VALUES of a row given as JSON, each column read from it: the shape the services write in, which
    /// a distributed database routes to one shard (an INSERT … SELECT would go through COPY, which Citus refuses on a
    /// table with row-level security whoever the row belongs to).
    /// </summary>
    private string Insert(string table)
    {
        var columns = _alphaRows[table].Select(c => $"\"{c.Key}\"").ToList();
        var values = columns.Select(c => $"(json_populate_record(NULL::{table}, $1::json)).{c}");
        return $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)})";
    }

    /// <summary>
    /// Runs one statement as the runtime role, in a transaction that is rolled back, with
    /// <paramref name="tenant"/> set as the wall's setting (or none). Its first parameter is alpha's id.
    /// </summary>
    private async Task<T> InScopeAsync<T>(Guid? tenant, string sql, Func<NpgsqlCommand, Task<T>> run)
    {
        await using var connection = await OpenAsync(Stack.RuntimeConnectionString);
        await using var transaction = await connection.BeginTransactionAsync();
        if (tenant is { } id)
        {
            await using var set = TenantSetting.For(connection, transaction, id);
            await set.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction) { Parameters = { new() { Value = Alpha.Id } } };
        try
        {
            return await run(command);
        }
        finally
        {
            await transaction.RollbackAsync();
        }
    }

    private static Task<int> Execute(NpgsqlCommand command) => command.ExecuteNonQueryAsync();

    private static Task<int> InsertAsync(NpgsqlCommand command, JsonObject template, Guid tenant)
    {
        var row = template.DeepClone().AsObject();
        row["tenant_id"] = tenant;
        row["id"] = Guid.NewGuid();
        command.Parameters[0].Value = row.ToJsonString();
        return command.ExecuteNonQueryAsync();
    }

    private static async Task<List<Guid>> ReadGuidsAsync(NpgsqlCommand command)
    {
        command.Parameters.Clear();
        var values = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetGuid(0));
        }

        return values;
    }

    private static async Task<List<string>> TenantTablesAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("""
            SELECT format('%I.%I', n.nspname, c.relname)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
             ORDER BY 1
            """, connection);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
