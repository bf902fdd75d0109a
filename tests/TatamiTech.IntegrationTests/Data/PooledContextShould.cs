using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.Data;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data;

/// <summary>
/// The context is pooled: the same instance serves one scope after another. What one scope's academy
/// leaves behind in it must never reach the next scope.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PooledContextShould(StackFixture stack) : TwoAcademiesDataTest(stack, maxPoolSize: 2)
{
    [Fact]
    public async Task ComeBackFromThePoolWithoutTheTenantOfItsLastScope()
    {
        TatamiDbContext leased;
        await using (var scope = TenantScope.Create(Host.Services, Alpha))
        {
            leased = scope.Services.GetRequiredService<TatamiDbContext>();
            Assert.Equal(Alpha.Id, leased.TenantId);
            Assert.NotEqual(0, await leased.Students.CountAsync());
        }

        await using var next = Host.Services.CreateAsyncScope();
        var db = next.ServiceProvider.GetRequiredService<TatamiDbContext>();

        Assert.Same(leased, db);
        Assert.Null(db.TenantId);
        Assert.Equal(0, await db.Students.CountAsync());
        Assert.Equal(0, await db.Students.IgnoreQueryFilters().CountAsync());
    }

    [Fact]
    public async Task ServeTheNextScopesAcademyOnly()
    {
        TatamiDbContext leased;
        await using (var scope = TenantScope.Create(Host.Services, Alpha))
        {
            leased = scope.Services.GetRequiredService<TatamiDbContext>();
            await leased.Students.CountAsync();
        }

        await using var bravo = TenantScope.Create(Host.Services, Bravo);
        var db = bravo.Services.GetRequiredService<TatamiDbContext>();

        Assert.Same(leased, db);
        Assert.Equal([Bravo.Id], await db.Students.Select(s => s.TenantId).Distinct().ToListAsync());
        Assert.Equal([Bravo.Id], await db.Students.IgnoreQueryFilters().Select(s => s.TenantId).Distinct().ToListAsync());
    }

    // The scope's tenant context still names the academy after the scope ends; the returned context must not.
    [Fact]
    public async Task ForgetTheTenantWhenItsScopeEnds()
    {
        TatamiDbContext leased;
        await using (var scope = TenantScope.Create(Host.Services, Alpha))
        {
            leased = scope.Services.GetRequiredService<TatamiDbContext>();
            Assert.Equal(Alpha.Id, leased.TenantId);
        }

        Assert.Null(leased.TenantId);
    }

    // A `using` by mistake in scope A: the context must not reach the pool while A still holds it.
    [Fact]
    public async Task StayWithItsScopeWhenDisposedEarly()
    {
        await using var alpha = TenantScope.Create(Host.Services, Alpha);
        var early = alpha.Services.GetRequiredService<TatamiDbContext>();
        await early.DisposeAsync();

        await using var bravo = TenantScope.Create(Host.Services, Bravo);
        var next = bravo.Services.GetRequiredService<TatamiDbContext>();

        Assert.NotSame(early, next);
        Assert.Equal(Alpha.Id, early.TenantId);
        Assert.Equal([Alpha.Id], await early.Students.IgnoreQueryFilters().Select(s => s.TenantId).Distinct().ToListAsync());
        var written = early.Students.Add(RuntimeHost.NewStudent()).Entity;
        await early.SaveChangesAsync();
        Assert.Equal(Alpha.Id, written.TenantId);
        Assert.False(await next.Students.IgnoreQueryFilters().AnyAsync(s => s.Id == written.Id));
    }

    // Disposed early, the context goes back once, when its scope ends: if the early Dispose had returned it,
    // the next scope would lease it, the end of the first scope would return it again, and a third scope would
    // lease the context the second still uses.
    [Fact]
    public async Task GoBackToThePoolOnlyWhenItsScopeEnds()
    {
        var alpha = TenantScope.Create(Host.Services, Alpha);
        var early = alpha.Services.GetRequiredService<TatamiDbContext>();
        await early.DisposeAsync();
        await using var bravo = TenantScope.Create(Host.Services, Bravo);
        var bravos = bravo.Services.GetRequiredService<TatamiDbContext>();
        await alpha.DisposeAsync();

        await using var third = Host.Services.CreateAsyncScope();
        var thirds = third.ServiceProvider.GetRequiredService<TatamiDbContext>();

        Assert.Same(early, thirds);
        Assert.NotSame(bravos, thirds);
        Assert.Equal(Bravo.Id, bravos.TenantId);
        Assert.Equal([Bravo.Id], await bravos.Students.IgnoreQueryFilters().Select(s => s.TenantId).Distinct().ToListAsync());
    }
}
