using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.Data;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data;

/// <summary>
/// A scope may end synchronously (<c>using var scope = services.CreateScope()</c>): the pooled context it held
/// goes back to the pool through Dispose rather than DisposeAsync, and must forget its academy all the same.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SynchronousScopeEndShould(StackFixture stack) : TwoAcademiesDataTest(stack)
{
    [Fact]
    public void ForgetTheAcademyOfTheContextItHeld()
    {
        var leased = LeaseAndEndSynchronously(Alpha);

        Assert.Null(leased.TenantId);
    }

    // The factory hands out pooled contexts without binding them: only the reset on return keeps the last academy out.
    [Fact]
    public void LeaveTheFactoryAContextWithoutTheAcademy()
    {
        var leased = LeaseAndEndSynchronously(Bravo);

        using var next = Host.Services.GetRequiredService<IDbContextFactory<TatamiDbContext>>().CreateDbContext();

        Assert.Same(leased, next);
        Assert.Null(next.TenantId);
        Assert.Equal(0, next.Students.Count());
        Assert.Equal(0, next.Students.IgnoreQueryFilters().Count());
    }

    private TatamiDbContext LeaseAndEndSynchronously(TenantInfo academy)
    {
        using var scope = Host.Services.CreateScope();
        using var entered = scope.ServiceProvider.GetRequiredService<ITenantContext>().Enter(academy);
        var leased = scope.ServiceProvider.GetRequiredService<TatamiDbContext>();
        Assert.Equal(academy.Id, leased.TenantId);
        Assert.NotEqual(0, leased.Students.Count());
        return leased;
    }
}
