using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService;
using TatamiTech.MigrationService.Seeding;

namespace TatamiTech.IntegrationTests.MigrationService;

/// <summary>
/// The migration service against the stack's server: every migration applied, the schema they build, and the
/// demo academies seeded once, in a database it creates if it is missing.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DatabaseMigratorShould(StackFixture stack)
{
    private const string AppliedMigrations = """SELECT migration_id FROM "__EFMigrationsHistory" ORDER BY 1""";

    [Fact]
    public async Task ApplyEveryMigration()
    {
        var expected = new DesignTimeMigrations().All;
        var applied = await QueryAsync(AppliedMigrations);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, applied);
    }

    [Fact]
    public async Task MatchTheSeedSchema()
    {
        var columns = await QueryAsync("""
            SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '-')
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name IN ('tenants', 'students')
            ORDER BY table_name, ordinal_position
            """);

        Assert.Equal(
        [
            "students.id uuid NO -",
            "students.tenant_id uuid NO -",
            "students.first_name text NO -",
            "students.last_name text NO -",
            "students.email text NO -",
            "students.belt_rank text NO -",
            "students.created_at timestamp with time zone NO now()",
            "tenants.id uuid NO -",
            "tenants.slug text NO -",
            "tenants.name text NO -",
            "tenants.created_at timestamp with time zone NO now()",
            "tenants.time_zone text NO 'UTC'::text",
            "tenants.status text NO 'active'::text",
            "tenants.suspended_at timestamp with time zone YES -",
            "tenants.suspended_reason text YES -",
        ], columns);

        var uniques = await QueryAsync("""
            SELECT t.relname || ' ' || pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE i.indisunique AND NOT i.indisprimary AND t.relname IN ('tenants', 'students')
            ORDER BY 1
            """);
        Assert.Equal(2, uniques.Count);
        Assert.Contains("(tenant_id, email)", uniques[0]);
        Assert.Contains("(slug)", uniques[1]);

        var deleteRules = await QueryAsync("""
            SELECT tc.table_name || ' ' || rc.delete_rule
            FROM information_schema.referential_constraints rc
            JOIN information_schema.table_constraints tc ON tc.constraint_name = rc.constraint_name
            WHERE tc.table_name = 'students'
            """);
        Assert.Equal(["students RESTRICT"], deleteRules);
    }

    [Fact]
    public async Task KeepDemoDataIdempotent()
    {
        var before = await QueryAsync(
            "SELECT slug || ':' || (SELECT count(*) FROM students s WHERE s.tenant_id = t.id) FROM tenants t " +
            "WHERE slug IN ('goldentiger', 'ironcrane') ORDER BY slug");

        // A second run of the migration service, as the AppHost wires it, runs the seeder again.
        await MigrationServiceHost.RunAsync(stack.OwnerConnectionString, stack.RuntimeConnectionString);

        var after = await QueryAsync(
            "SELECT slug || ':' || (SELECT count(*) FROM students s WHERE s.tenant_id = t.id) FROM tenants t " +
            "WHERE slug IN ('goldentiger', 'ironcrane') ORDER BY slug");
        Assert.Equal(2, before.Count);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task CreateAMissingDatabaseThenLeaveTheDemoAcademiesAsTheDeveloperMadeThem()
    {
        var name = "tatami_created_" + Guid.NewGuid().ToString("N")[..8];
        var owner = new NpgsqlConnectionStringBuilder(stack.OwnerConnectionString) { Database = name }.ConnectionString;
        var runtime = new NpgsqlConnectionStringBuilder(stack.RuntimeConnectionString) { Database = name }.ConnectionString;
        var goldenTigerStudents = $"SELECT email FROM students WHERE tenant_id = '{DemoAcademies.GoldenTiger.Id}' ORDER BY email";
        const string Deleted = "omar.haddad@example.com";
        try
        {
            await MigrationServiceHost.RunAsync(owner, runtime);
            Assert.Equal(MigrationHistory.Known, await QueryAsync(AppliedMigrations, owner));
            var seeded = await QueryAsync(goldenTigerStudents, owner);
            var demo = DemoAcademies.All.Single(academy => academy.Tenant == DemoAcademies.GoldenTiger).Students;
            Assert.Equal(demo.Select(student => student.Email).Order(StringComparer.Ordinal), seeded);

            // A developer deletes a demo student; the next start does not bring it back.
            Assert.Equal(["1"], await QueryAsync(
                $"WITH gone AS (DELETE FROM students WHERE email = '{Deleted}' RETURNING 1) SELECT count(*)::text FROM gone", owner));
            await MigrationServiceHost.RunAsync(owner, runtime);

            Assert.Equal(seeded.Where(email => email != Deleted), await QueryAsync(goldenTigerStudents, owner));
        }
        finally
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(owner));
            NpgsqlConnection.ClearPool(new NpgsqlConnection(runtime));
            await QueryAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", stack.OwnerConnectionString);
        }
    }

    [Fact]
    public async Task SeedNoDemoAcademyOutsideDevelopment()
    {
        var name = $"migrate_{Guid.NewGuid():N}";
        var owner = new NpgsqlConnectionStringBuilder(stack.OwnerConnectionString) { Database = name }.ConnectionString;
        var runtime = new NpgsqlConnectionStringBuilder(stack.RuntimeConnectionString) { Database = name }.ConnectionString;
        try
        {
            await MigrationServiceHost.RunAsync(owner, runtime, Environments.Production);

            Assert.Equal(MigrationHistory.Known, await QueryAsync(AppliedMigrations, owner));
            Assert.Equal(["0"], await QueryAsync("SELECT count(*)::text FROM tenants", owner));
        }
        finally
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(owner));
            NpgsqlConnection.ClearPool(new NpgsqlConnection(runtime));
            await QueryAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", stack.OwnerConnectionString);
        }
    }

    private Task<List<string>> QueryAsync(string sql) => QueryAsync(sql, stack.OwnerConnectionString);

    private static async Task<List<string>> QueryAsync(string sql, string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
