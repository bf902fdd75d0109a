using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// The wall for hand-written SQL outside EF Core (the roster job's statement): a batch led by the wall's
/// call is held to its academy by row-level security alone, with no WHERE clause to help.
/// </summary>
[Collection(StackCollection.Name)]
public class WalledBatchShould(StackFixture stack) : TwoAcademiesDataTest(stack, maxPoolSize: 2)
{
    [SkippableFact]
    public async Task SeeOnlyItsAcademysRowsWithoutWhere()
    {
        Stack.SkipUnlessStarted();
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        var tenants = await ReadAsync(scope, "SELECT DISTINCT tenant_id FROM students");

        Assert.Equal([Alpha.Id], tenants);
    }

    [SkippableFact]
    public async Task RefuseToWriteARowOfAnotherAcademy()
    {
        Stack.SkipUnlessStarted();
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        await using var connection = await scope.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var batch = WalledBatch.Create(connection, scope.Services.GetRequiredService<ITenantContext>());
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "INSERT INTO students (id, tenant_id, first_name, last_name, email, belt_rank) VALUES ($1, $2, 'Wall', 'Probe', $3, 'white')")
        {
            Parameters =
            {
                new() { Value = Guid.CreateVersion7() },
                new() { Value = Bravo.Id },
                new() { Value = $"w{Guid.NewGuid():N}@example.com" },
            },
        });

        var refused = await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [SkippableFact]
    public async Task RefuseToStartWithNoAcademyInScope()
    {
        Stack.SkipUnlessStarted();
        await using var scope = Host.Services.CreateAsyncScope();
        await using var connection = await scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();

        Assert.Throws<TenantNotResolvedException>(
            () => WalledBatch.Create(connection, scope.ServiceProvider.GetRequiredService<ITenantContext>()));
    }

    [SkippableFact]
    public async Task LeaveNoAcademyOnTheSessionAfterwards()
    {
        Stack.SkipUnlessStarted();
        await using (var scope = TenantScope.Create(Host.Services, Bravo))
        {
            Assert.Equal([Bravo.Id], await ReadAsync(scope, "SELECT DISTINCT tenant_id FROM students"));
        }

        // Two pooled sessions: these plain commands run on the ones the batch just used.
        var dataSource = Host.Services.GetRequiredService<NpgsqlDataSource>();
        for (var i = 0; i < 2; i++)
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT coalesce(current_setting('{DatabaseWall.TenantSetting}', true), '') || ':' || (SELECT count(*) FROM students)");
            Assert.Equal(":0", await command.ExecuteScalarAsync());
        }
    }

    private static async Task<List<Guid>> ReadAsync(TenantScope scope, string sql)
    {
        await using var connection = await scope.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var batch = WalledBatch.Create(connection, scope.Services.GetRequiredService<ITenantContext>());
        batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
        await using var reader = await batch.ExecuteReaderAsync();
        var values = new List<Guid>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetGuid(0));
        }

        return values;
    }
}
