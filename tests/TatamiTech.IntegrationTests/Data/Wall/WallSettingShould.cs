using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// The second wall on its own, from the side of what it is fed: whatever a command already carries, and inside
/// whatever transaction a caller opened, the database sees the academy in scope now. The EF Core filters are
/// stepped around (raw SQL, writes checked past EF Core), so only row-level security decides what is seen.
/// </summary>
[Collection(StackCollection.Name)]
public class WallSettingShould(StackFixture stack) : TwoAcademiesDataTest(stack)
{
    // A command led by the wall's own call, naming another academy: the call is kept, the academy is replaced.
    [SkippableFact]
    public async Task RunACommandThatAlreadySetsAnotherAcademyWithTheAcademyInScope()
    {
        Stack.SkipUnlessStarted();
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        var tenants = await db.Database.SqlQueryRaw<Guid>(
                TenantSetting.CommandPrefix + "SELECT tenant_id AS \"Value\" FROM students", TenantSetting.Parameter(Bravo.Id))
            .ToListAsync();

        Assert.NotEmpty(tenants);
        Assert.All(tenants, tenant => Assert.Equal(Alpha.Id, tenant));
    }

    [SkippableFact]
    public async Task WriteInsideACallersTransactionAsTheAcademyInScope()
    {
        Stack.SkipUnlessStarted();
        var student = RuntimeHost.NewStudent();
        await using (var scope = TenantScope.Create(Host.Services, Alpha))
        {
            var db = scope.Services.GetRequiredService<TatamiDbContext>();
            // A caller's transaction runs through the retrying strategy, as the strategy requires.
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.Students.Add(student);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            });
        }

        Assert.Equal(Alpha.Id, await TenantOfAsync(student.Id));
    }

    [SkippableFact]
    public async Task WriteSynchronouslyInsideACallersTransactionAsTheAcademyInScope()
    {
        Stack.SkipUnlessStarted();
        var student = RuntimeHost.NewStudent();
        await using (var scope = TenantScope.Create(Host.Services, Bravo))
        {
            var db = scope.Services.GetRequiredService<TatamiDbContext>();
            db.Database.CreateExecutionStrategy().Execute(() =>
            {
                using var transaction = db.Database.BeginTransaction();
                db.Students.Add(student);
                db.SaveChanges();
                transaction.Commit();
            });
        }

        Assert.Equal(Bravo.Id, await TenantOfAsync(student.Id));
    }

    /// <summary>The academy a student row belongs to, read as the owner, past both walls.</summary>
    private async Task<Guid?> TenantOfAsync(Guid studentId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT tenant_id FROM students WHERE id = $1", connection)
        {
            Parameters = { new() { Value = studentId } },
        };
        return await command.ExecuteScalarAsync() as Guid?;
    }
}
