using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TatamiTech.Tenancy;

namespace TatamiTech.UnitTests.Tenancy;

public sealed class TenantScopeShould
{
    private static readonly TenantInfo s_goldenTiger = new(Guid.NewGuid(), "goldentiger", "Golden Tiger");
    private static readonly TenantInfo s_ironCrane = new(Guid.NewGuid(), "ironcrane", "Iron Crane");

    [Fact]
    public async Task LeaveNoTenantBehindOnceDisposed()
    {
        using var host = BuildHost();

        await using (var scope = TenantScope.Create(host.Services, s_goldenTiger))
        {
            Assert.Equal(s_goldenTiger, AmbientTenant.Current);
            Assert.Equal(s_goldenTiger, scope.Services.GetRequiredService<ITenantContext>().Current);
        }

        Assert.Null(AmbientTenant.Current);
    }

    [Fact]
    public async Task GiveEachTenantItsOwnContext()
    {
        using var host = BuildHost();

        await using var first = TenantScope.Create(host.Services, s_goldenTiger);
        await using var second = TenantScope.Create(host.Services, s_ironCrane);

        Assert.Equal(s_goldenTiger, first.Services.GetRequiredService<ITenantContext>().Required);
        Assert.Equal(s_ironCrane, second.Services.GetRequiredService<ITenantContext>().Required);
    }

    [Fact]
    public void FailClosedWithoutATenant()
    {
        using var host = BuildHost();
        using var scope = host.Services.CreateScope();

        var context = scope.ServiceProvider.GetRequiredService<ITenantContext>();

        Assert.Null(context.Current);
        Assert.Throws<TenantNotResolvedException>(() => context.Required);
    }

    private static IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddTenantContext();
        return builder.Build();
    }
}
