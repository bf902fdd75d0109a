using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TatamiTech.Data.Wall;

public static class TenantWallCheckExtensions
{
    /// <summary>
    /// The wall's readiness check, one per process: a health check that is not a service is built anew for every
    /// /health call, and the probe it shares with the callers of the next second would be shared with nobody.
    /// </summary>
    public static IServiceCollection AddTenantWallCheck(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TenantWallCheck>();
        services.AddHealthChecks().AddCheck<TenantWallCheck>(TenantWallCheck.Name);
        return services;
    }
}
