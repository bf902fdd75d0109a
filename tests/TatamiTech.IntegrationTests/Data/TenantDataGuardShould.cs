using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TatamiTech.Data;
using TatamiTech.Data.Students;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.ServiceDefaults.Tenancy;

namespace TatamiTech.IntegrationTests.Data;

/// <summary>The data guard against the real database, wired as the services wire it.</summary>
[Collection(StackCollection.Name)]
public sealed class TenantDataGuardShould(StackFixture stack) : IAsyncLifetime
{
    private IHost _host = null!;
    private TenantInfo _alpha = null!;
    private TenantInfo _bravo = null!;

    public async Task InitializeAsync()
    {
        _host = RuntimeHost.Build(stack);

        _alpha = await TenantOf(stack.Alpha);
        _bravo = await TenantOf(stack.Bravo);
        await _host.AddStudentAsync(_alpha);
        await _host.AddStudentAsync(_bravo);
    }

    public Task DisposeAsync()
    {
        _host.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SeeOnlyTheTenantInScope()
    {
        await using var scope = TenantScope.Create(_host.Services, _alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        var tenants = await db.Students.Select(s => s.TenantId).Distinct().ToListAsync();

        Assert.Equal([_alpha.Id], tenants);
    }

    [Fact]
    public async Task SeeNoRowsWithoutATenant()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TatamiDbContext>();

        Assert.Equal(0, await db.Students.CountAsync());
        Assert.Equal(0, await db.Students.Where(s => s.TenantId == _alpha.Id).CountAsync());
    }

    [Fact]
    public async Task RefuseToWriteWithoutATenant()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TatamiDbContext>();
        db.Students.Add(RuntimeHost.NewStudent());

        await Assert.ThrowsAsync<TenantNotResolvedException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task RefuseToChangeAnotherTenantsRowEvenWhenTheFilterIsBypassed()
    {
        var foreign = await _host.AddStudentAsync(_bravo);
        await using var scope = TenantScope.Create(_host.Services, _alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        // Without the filter the database wall still hides the row...
        Assert.Null(await db.Students.IgnoreQueryFilters().FirstOrDefaultAsync(s => s.Id == foreign.Id));

        // ...and a row of another tenant attached by hand is refused before anything is sent.
        var stub = RuntimeHost.NewStudent();
        stub.Id = foreign.Id;
        stub.TenantId = _bravo.Id;
        db.Students.Attach(stub).Entity.BeltRank = "black";
        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());

        db.ChangeTracker.Clear();
        db.Students.Remove(db.Students.Attach(stub).Entity);
        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());

        await using var bravoScope = TenantScope.Create(_host.Services, _bravo);
        var unchanged = await bravoScope.Services.GetRequiredService<TatamiDbContext>().Students.SingleAsync(s => s.Id == foreign.Id);
        Assert.Equal("white", unchanged.BeltRank);
    }

    [Fact]
    public async Task DeleteNothingOfAnotherTenantInBulk()
    {
        await using var scope = TenantScope.Create(_host.Services, _alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();

        var deleted = await db.Students.Where(s => s.TenantId == _bravo.Id).ExecuteDeleteAsync();

        Assert.Equal(0, deleted);
    }

    [Fact]
    public async Task RefuseToSwitchTheTenantOfAScope()
    {
        await using var scope = TenantScope.Create(_host.Services, _alpha);

        var context = scope.Services.GetRequiredService<ITenantContext>();

        Assert.Throws<InvalidOperationException>(() => context.Enter(_bravo));
        Assert.Equal(_alpha, context.Current);
    }

    private async Task<TenantInfo> TenantOf(TestTenant tenant) =>
        await _host.Services.GetRequiredService<ITenantDirectory>().FindBySlugAsync(tenant.Slug, CancellationToken.None)
        ?? throw new InvalidOperationException($"{tenant.Slug} is not in the directory.");
}
