using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TatamiTech.Data.Wall;

public static class TenantWallCheckExtensions
{
    /// <summary>
    /// The wall's readiness check, one per process: a health check that is not a service is built anew for every
    /// /health call, and the probe it shares with the callers of the next second would be shared with nobody.
    /// </summary>
    /// <param name="probeTable">The tenant table the probes read (<see cref="TenantWallCheck.DefaultProbeTable"/> unless the
    /// service's role may not read it).</param>
    public static IServiceCollection AddTenantWallCheck(
        this IServiceCollection services, string probeTable = TenantWallCheck.DefaultProbeTable)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new TenantWallCheck(
            provider.GetRequiredService<NpgsqlDataSource>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<TenantWallCheck>>(),
            probeTable));
        services.AddHealthChecks().AddCheck<TenantWallCheck>(TenantWallCheck.Name);
        return services;
    }
}
