using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// The bulk paths keep the wall: ExecuteDelete on every tenant entity of the model, ExecuteUpdate and raw SQL through
/// the context, a batch led by the wall's call, and COPY, each run for one academy with the query filters stepped
/// around, touch none of the other academy's rows; the same statement for the rows' own academy does touch them,
/// so the zero is the wall's. Every write runs in a transaction that is rolled back.
/// </summary>
[Collection(StackCollection.Name)]
public class BulkWritesShould(StackFixture stack) : IAsyncLifetime
{
    private TenantInfo _alpha = null!;
    private TenantInfo _bravo = null!;
    private IHost _host = null!;

    /// <summary>Alpha with a row in every tenant table; bravo with none.</summary>
    public async Task InitializeAsync()
    {
        // A fixture that could not start (a missing optional server) leaves its tests to skip.
        if (!stack.Started)
        {
            return;
        }

        _alpha = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "bulk-a")).Info;
        _bravo = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "bulk-b")).Info;
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            INSERT INTO students (tenant_id, id, first_name, last_name, email, belt_rank)
            SELECT '{_alpha.Id}', gen_random_uuid(), 'Bulk', 'Probe', 'b' || gen_random_uuid() || '@example.com', 'white'
              FROM generate_series(1, 2);
            INSERT INTO belt_promotions (tenant_id, id, student_id, from_rank, to_rank, promoted_on)
            SELECT tenant_id, gen_random_uuid(), id, 'white', 'yellow', current_date FROM students WHERE tenant_id = '{_alpha.Id}';
            INSERT INTO roster_reports (tenant_id, id, period_date, time_zone, as_of, total_students, new_students_last30days,
                                        students_by_rank)
            VALUES ('{_alpha.Id}', gen_random_uuid(), current_date, 'UTC', now(), 2, 2, jsonb_build_object());
            INSERT INTO academy_clients (tenant_id, id, client_id, display_name, secret_hash, role)
            VALUES ('{_alpha.Id}', gen_random_uuid(), 'int_bulk', 'Bulk probe', '\x00', 'coach');
            WITH account AS (INSERT INTO accounts (id, email, password_hash)
                             VALUES (gen_random_uuid(), 'bulk' || gen_random_uuid() || '@example.com', 'x') RETURNING id)
            INSERT INTO memberships (tenant_id, id, account_id, role) SELECT '{_alpha.Id}', gen_random_uuid(), id, 'coach' FROM account;
            INSERT INTO redeemed_codes (tenant_id, id) VALUES ('{_alpha.Id}', gen_random_uuid());
            INSERT INTO invitations (tenant_id, id, token_hash, role, expires_at)
            VALUES ('{_alpha.Id}', gen_random_uuid(), gen_random_uuid()::text::bytea, 'coach', now() + interval '1 day');
            INSERT INTO sign_in_grants (tenant_id, id, account_id, current_refresh)
            SELECT tenant_id, gen_random_uuid(), account_id, gen_random_uuid() FROM memberships WHERE tenant_id = '{_alpha.Id}';
            """, connection);
        await command.ExecuteNonQueryAsync();
        _host = RuntimeHost.Build(stack);
    }

    public Task DisposeAsync()
    {
        _host?.Dispose();
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task DeleteNothingOfAnotherAcademyWithExecuteDeleteOnAnyTenantEntity()
    {
        stack.SkipUnlessStarted();
        await using var scope = TenantScope.Create(_host.Services, _bravo);
        var entities = scope.Services.GetRequiredService<TatamiDbContext>().Model.GetEntityTypes()
            .Select(e => e.ClrType)
            .Where(t => typeof(ITenantOwned).IsAssignableFrom(t))
            .ToList();
        Assert.True(entities.Count >= 3, $"Only {entities.Count} tenant entities in the model.");

        foreach (var entity in entities)
        {
            var delete = s_deleteAll.MakeGenericMethod(entity);
            Task<int> DeleteAlphasRows(TatamiDbContext db) => (Task<int>)delete.Invoke(null, [db, _alpha.Id])!;

            Assert.True(await RolledBackAsync(_bravo, DeleteAlphasRows) == 0, $"{entity.Name} as bravo");
            Assert.True(await RolledBackAsync(_alpha, DeleteAlphasRows) > 0, $"{entity.Name} as alpha");
        }
    }

    [SkippableFact]
    public async Task UpdateNothingOfAnotherAcademyWithExecuteUpdate()
    {
        stack.SkipUnlessStarted();
        Task<int> Promote(TatamiDbContext db) => db.Students.IgnoreQueryFilters()
            .Where(s => s.TenantId == _alpha.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.BeltRank, "black"));

        Assert.Equal(0, await RolledBackAsync(_bravo, Promote));
        Assert.Equal(2, await RolledBackAsync(_alpha, Promote));
    }

    [SkippableFact]
    public async Task TouchNothingOfAnotherAcademyWithRawSqlThroughTheContext()
    {
        stack.SkipUnlessStarted();
        foreach (var table in new[] { "students", "belt_promotions", "roster_reports" })
        {
            var sql = "DELETE FROM " + table;
            Task<int> DeleteAll(TatamiDbContext db) => db.Database.ExecuteSqlRawAsync(sql);

            Assert.True(await RolledBackAsync(_bravo, DeleteAll) == 0, $"{table} as bravo");
            Assert.True(await RolledBackAsync(_alpha, DeleteAll) > 0, $"{table} as alpha");
        }
    }

    [SkippableFact]
    public async Task TouchNothingOfAnotherAcademyWithAWalledBatch()
    {
        stack.SkipUnlessStarted();
        async Task<int> DeleteAllAsync(TenantInfo academy)
        {
            await using var scope = TenantScope.Create(_host.Services, academy);
            await using var connection = await _host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var batch = WalledBatch.Create(connection, scope.Services.GetRequiredService<ITenantContext>());
            batch.Transaction = transaction;
            batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM students"));
            var deleted = await batch.ExecuteNonQueryAsync();
            await transaction.RollbackAsync();
            return deleted;
        }

        Assert.Equal(0, await DeleteAllAsync(_bravo));
        Assert.True(await DeleteAllAsync(_alpha) > 0);
    }

    [SkippableFact]
    public async Task RefuseCopyIntoATenantTableAndCopyOutOnlyTheAcademysRows()
    {
        stack.SkipUnlessStarted();
        await using var connection = new NpgsqlConnection(stack.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var enter = TenantSetting.For(connection, transaction, _bravo.Id))
        {
            await enter.ExecuteNonQueryAsync();
        }

        // COPY FROM is refused outright on a table under row-level security: it cannot write past the policies.
        var refusal = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var import = await connection.BeginTextImportAsync("COPY students (tenant_id, id) FROM STDIN");
            await import.WriteLineAsync($"{_alpha.Id}\t{Guid.NewGuid()}");
        });
        Assert.Equal(PostgresErrorCodes.FeatureNotSupported, refusal.SqlState);
        await transaction.RollbackAsync();

        Assert.Equal(0, await CopiedOutAsync(_bravo));
        Assert.Equal(2, await CopiedOutAsync(_alpha));
    }

    private async Task<int> CopiedOutAsync(TenantInfo academy)
    {
        await using var connection = new NpgsqlConnection(stack.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var enter = TenantSetting.For(connection, transaction, academy.Id))
        {
            await enter.ExecuteNonQueryAsync();
        }

        using var export = await connection.BeginTextExportAsync("COPY students (tenant_id) TO STDOUT");
        var lines = 0;
        while (await export.ReadLineAsync() is { } line)
        {
            Assert.Equal(academy.Id.ToString(), line);
            lines++;
        }

        return lines;
    }

    /// <summary>Runs a write through the academy's context in a transaction that is then rolled back; its row count.</summary>
    private async Task<int> RolledBackAsync(TenantInfo academy, Func<TatamiDbContext, Task<int>> write)
    {
        await using var scope = TenantScope.Create(_host.Services, academy);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var count = await write(db);
            await transaction.RollbackAsync();
            return count;
        });
    }

    private static readonly MethodInfo s_deleteAll =
        typeof(BulkWritesShould).GetMethod(nameof(DeleteAllOfAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static Task<int> DeleteAllOfAsync<T>(TatamiDbContext db, Guid academy) where T : class, ITenantOwned =>
        db.Set<T>().IgnoreQueryFilters().Where(e => e.TenantId == academy).ExecuteDeleteAsync();
}
