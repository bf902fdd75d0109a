using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.Data;
using TatamiTech.Data.Guard;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data.Guard;

/// <summary>The data guard against the real database, wired as the services wire it.</summary>
[Collection(StackCollection.Name)]
public sealed class TenantDataGuardShould(StackFixture stack) : TwoAcademiesDataTest(stack)
{
    [Fact]
    public async Task SeeOnlyTheTenantInScope()
    {
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        var tenants = await db.Students.Select(s => s.TenantId).Distinct().ToListAsync();

        Assert.Equal([Alpha.Id], tenants);
    }

    [Fact]
    public async Task SeeNoRowsWithoutATenant()
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TatamiDbContext>();

        Assert.Equal(0, await db.Students.CountAsync());
        Assert.Equal(0, await db.Students.Where(s => s.TenantId == Alpha.Id).CountAsync());
    }

    [Fact]
    public async Task RefuseToWriteWithoutATenant()
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TatamiDbContext>();
        db.Students.Add(RuntimeHost.NewStudent());

        await Assert.ThrowsAsync<TenantNotResolvedException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task RefuseToChangeAnotherTenantsRowEvenWhenTheFilterIsBypassed()
    {
        var foreign = await Host.AddStudentAsync(Bravo);
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        // Without the filter the database wall still hides the row...
        Assert.Null(await db.Students.IgnoreQueryFilters().FirstOrDefaultAsync(s => s.Id == foreign.Id));

        // ...and a row of another tenant attached by hand is refused before anything is sent.
        var stub = RuntimeHost.NewStudent();
        stub.Id = foreign.Id;
        stub.TenantId = Bravo.Id;
        db.Students.Attach(stub).Entity.BeltRank = "black";
        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());

        db.ChangeTracker.Clear();
        db.Students.Remove(db.Students.Attach(stub).Entity);
        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());

        await using var bravoScope = TenantScope.Create(Host.Services, Bravo);
        var unchanged = await bravoScope.Services.GetRequiredService<TatamiDbContext>().Students.SingleAsync(s => s.Id == foreign.Id);
        Assert.Equal("white", unchanged.BeltRank);
    }

    [Fact]
    public async Task DeleteNothingOfAnotherTenantInBulk()
    {
        await using var scope = TenantScope.Create(Host.Services, Alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        var deleted = await db.Students.Where(s => s.TenantId == Bravo.Id).ExecuteDeleteAsync();

        Assert.Equal(0, deleted);
    }

    [Fact]
    public async Task RefuseToSwitchTheTenantOfAScope()
    {
        await using var scope = TenantScope.Create(Host.Services, Alpha);

        var context = scope.Services.GetRequiredService<ITenantContext>();

        Assert.Throws<InvalidOperationException>(() => context.Enter(Bravo));
        Assert.Equal(Alpha, context.Current);
    }
}
