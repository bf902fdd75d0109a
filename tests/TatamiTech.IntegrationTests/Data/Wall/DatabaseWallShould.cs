using Aspire.Hosting.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.AppHost.Citus;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// Row-level security, probed through the services' own wiring (runtime role, interceptor, a pool of
/// two connections so that tenants take turns on the same sessions), with the EF Core filters stepped
/// around on purpose: what is left is the database's own wall.
/// </summary>
[Collection(StackCollection.Name)]
public class DatabaseWallShould(StackFixture stack) : TwoAcademiesDataTest(stack, maxPoolSize: 2)
{
    [SkippableFact]
    public async Task ShowOnlyTheScopesRowsToSelectStarWithoutWhere()
    {
        Stack.SkipUnlessStarted();
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        var tenants = await db.Database.SqlQueryRaw<Guid>("SELECT tenant_id AS \"Value\" FROM students").ToListAsync();

        Assert.NotEmpty(tenants);
        Assert.All(tenants, tenant => Assert.Equal(Alpha.Id, tenant));
    }

    [SkippableFact]
    public async Task ShowOnlyTheScopesRowsWhenQueryFiltersAreIgnored()
    {
        Stack.SkipUnlessStarted();
        await using var scope = TenantScope.Create(Host.Services, Bravo);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        var tenants = await db.Students.IgnoreQueryFilters().Select(s => s.TenantId).Distinct().ToListAsync();

        Assert.Equal([Bravo.Id], tenants);
    }

    [SkippableFact]
    public async Task ShowNoRowsWhenNoTenantIsSet()
    {
        Stack.SkipUnlessStarted();
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TatamiDbContext>();
            Assert.Equal(0, await db.Students.IgnoreQueryFilters().CountAsync());
            Assert.Empty(await db.Database.SqlQueryRaw<Guid>("SELECT tenant_id AS \"Value\" FROM students").ToListAsync());
        }

        // Past EF Core altogether, on the runtime role's own connection: nothing sets a tenant, nothing shows.
        await using var command = Host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT count(*) FROM students");
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [SkippableFact]
    public async Task LeaveNoTenantOnAConnectionReturnedToThePool()
    {
        Stack.SkipUnlessStarted();
        var dataSource = Host.Services.GetRequiredService<NpgsqlDataSource>();
        // Sessions go back to the pool as they are (no DISCARD ALL): only the wall's own design keeps them clean.
        Assert.True(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).NoResetOnClose);
        for (var round = 0; round < 4; round++)
        {
            await using (var scope = TenantScope.Create(Host.Services, round % 2 == 0 ? Alpha : Bravo))
            {
                Assert.NotEqual(0, await scope.Services.GetRequiredService<TatamiDbContext>().Students.IgnoreQueryFilters().CountAsync());
            }

            // With two pooled sessions, these commands run on the sessions the tenant scopes just used.
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(
                $"SELECT coalesce(current_setting('{DatabaseWall.TenantSetting}', true), ''), (SELECT count(*) FROM students)", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(string.Empty, reader.GetString(0));
            Assert.Equal(0L, reader.GetInt64(1));
        }
    }

    [SkippableFact]
    public async Task RefuseAnInsertCarryingAnotherTenantsId()
    {
        Stack.SkipUnlessStarted();
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO students (tenant_id, id, first_name, last_name, email, belt_rank) VALUES ({Bravo.Id}, {
                Guid.NewGuid()}, 'Raw', 'Sql', {$"raw{Guid.NewGuid():N}@example.com"}, 'white')"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refusal.SqlState);
        Assert.Contains("row-level security", refusal.MessageText, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RefuseToMoveOwnRowsToAnotherTenant()
    {
        Stack.SkipUnlessStarted();
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => db.Students.IgnoreQueryFilters()
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.TenantId, Bravo.Id)));

        // A distributed database refuses before row-level security does: a row's academy is where it is placed.
        Assert.Equal(
            Stack is CitusStackFixture ? PostgresErrorCodes.FeatureNotSupported : PostgresErrorCodes.InsufficientPrivilege,
            refusal.SqlState);
    }

    [SkippableFact]
    public async Task TouchNoRowOfAnotherTenantInBulk()
    {
        Stack.SkipUnlessStarted();
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        Assert.Equal(0, await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE students SET belt_rank = 'black' WHERE tenant_id = {Bravo.Id}"));
        Assert.Equal(0, await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM students WHERE tenant_id = {Bravo.Id}"));
    }

    [SkippableFact]
    public async Task NeverMixTenantsUnderConcurrencyOnASmallPool()
    {
        Stack.SkipUnlessStarted();
        var leaks = 0;
        var rows = 0;
        await Parallel.ForAsync(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var tenant = i % 2 == 0 ? Alpha : Bravo;
            await using var scope = TenantScope.Create(Host.Services, tenant);
            var db = scope.Services.GetRequiredService<TatamiDbContext>();
            var seen = await db.Database.SqlQueryRaw<Guid>("SELECT tenant_id AS \"Value\" FROM students").ToListAsync(ct);
            Interlocked.Add(ref rows, seen.Count);
            Interlocked.Add(ref leaks, seen.Count(id => id != tenant.Id));
        });

        Assert.True(rows >= 400, $"Expected every query to see its own rows; saw {rows} rows in all.");
        Assert.Equal(0, leaks);
    }

    [SkippableFact]
    public async Task RunTheServicesAsARoleThatRowLevelSecurityBinds()
    {
        Stack.SkipUnlessStarted();
        await using var command = Host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            SELECT current_user, r.rolsuper, r.rolbypassrls,
                   EXISTS (SELECT FROM pg_class c WHERE c.relowner = r.oid)
              FROM pg_roles r WHERE r.rolname = current_user
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.Equal(DatabaseRoles.Runtime, reader.GetString(0));
        Assert.False(reader.GetBoolean(1), "superuser");
        Assert.False(reader.GetBoolean(2), "BYPASSRLS");
        Assert.False(reader.GetBoolean(3), "owns tables");
    }

    [SkippableFact]
    public async Task KeepTheApiFromStartingAsARoleTheWallDoesNotBind()
    {
        Stack.SkipUnlessStarted();
        await using var api = new InProcessApi(Stack, runtimeConnectionString: Stack.OwnerConnectionString);

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(api.StartAsync);

        Assert.Contains("is a superuser", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(DatabaseRoles.Runtime, refusal.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GiveTheRuntimeRoleNoWayToWriteTheTenantDirectory()
    {
        Stack.SkipUnlessStarted();
        await using var command = Host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "UPDATE tenants SET name = 'taken over'");

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refusal.SqlState);
    }

    [SkippableFact]
    public async Task GiveTheRuntimeRoleNoWayToCreateObjectsInThePublicSchema()
    {
        Stack.SkipUnlessStarted();
        await using var command = Host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "CREATE TABLE public.shadow_students (id uuid)");

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refusal.SqlState);
    }

    [SkippableFact]
    public async Task GiveThePlatformRoleNoWayPastTheWall()
    {
        Stack.SkipUnlessStarted();
        var platform = await Stack.App.GetConnectionStringAsync(ResourceNames.PlatformDatabase)
            ?? throw new InvalidOperationException("No platform connection.");
        await using var connection = new NpgsqlConnection(platform);
        await connection.OpenAsync();

        // No academy in scope: row-level security shows nothing, even to the platform.
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM students", connection))
        {
            Assert.Equal(0L, await read.ExecuteScalarAsync());
        }

        // It may delete an academy's rows (to erase it), never change them; the audit it may only append to, and
        // only as now: the database gives each entry its id and its time.
        string[] refused =
        [
            "UPDATE students SET first_name = 'x'", "UPDATE platform_audit SET reason = 'x'", "DELETE FROM platform_audit",
            "TRUNCATE platform_audit",
            "INSERT INTO platform_audit (occurred_at, operator, action, academy_id, academy_slug) " +
                "VALUES ('2000-01-01', 'x', 'create', gen_random_uuid(), 'x')",
            "INSERT INTO platform_audit (id, operator, action, academy_id, academy_slug) OVERRIDING SYSTEM VALUE " +
                "VALUES (1, 'x', 'create', gen_random_uuid(), 'x')",
        ];
        foreach (var sql in refused)
        {
            await using var write = new NpgsqlCommand(sql, connection);
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
            Assert.True(refusal.SqlState == PostgresErrorCodes.InsufficientPrivilege, sql);
        }

        // What the platform itself writes still goes in (rolled back: the test leaves no entry behind).
        await using var transaction = await connection.BeginTransactionAsync();
        await using var append = new NpgsqlCommand(
            "INSERT INTO platform_audit (operator, action, academy_id, academy_slug, reason, row_count) " +
            "VALUES ('x', 'export', gen_random_uuid(), 'x', NULL, 1)",
            connection,
            transaction);
        Assert.Equal(1, await append.ExecuteNonQueryAsync());
        await transaction.RollbackAsync();
    }

    [SkippableTheory]
    [InlineData("pg_execute_server_program")]
    [InlineData("pg_read_server_files")]
    [InlineData("pg_write_server_files")]
    public async Task KeepTheApiFromStartingAsAMemberOfAServerAccessRole(string serverRole)
    {
        Stack.SkipUnlessStarted();
        var role = $"probe_{Guid.NewGuid():N}"[..20];
        const string password = "probe-password-of-no-importance";
        await ExecuteAsOwnerAsync($"CREATE ROLE {role} LOGIN PASSWORD '{password}'; GRANT {serverRole} TO {role};");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(Stack.RuntimeConnectionString) { Username = role, Password = password };
            await using var api = new InProcessApi(Stack, runtimeConnectionString: connection.ConnectionString);

            var refusal = await Assert.ThrowsAsync<InvalidOperationException>(api.StartAsync);

            Assert.Contains(serverRole, refusal.Message, StringComparison.Ordinal);
        }
        finally
        {
            await ExecuteAsOwnerAsync($"DROP ROLE {role}");
        }
    }

    private async Task ExecuteAsOwnerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [SkippableFact]
    public async Task RefuseAChildRowPointingAtAnotherTenantsParentEvenPastTheWall()
    {
        Stack.SkipUnlessStarted();
        var bravoStudent = await Host.AddStudentAsync(Bravo);

        // As the owner, a superuser whom row-level security does not bind: only the composite key is left.
        await using var connection = new NpgsqlConnection(Stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO belt_promotions (tenant_id, id, student_id, from_rank, to_rank, promoted_on) " +
            "VALUES ($1, $2, $3, 'white', 'yellow', current_date)",
            connection)
        {
            Parameters = { new() { Value = Alpha.Id }, new() { Value = Guid.NewGuid() }, new() { Value = bravoStudent.Id } },
        };

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refusal.SqlState);
    }
}
