using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TatamiTech.Tenancy;

public static class TenantContextExtensions
{
    /// <summary>
    /// The scoped tenant context: every process that does tenant-scoped work needs it, with or without
    /// HTTP. A scope enters one academy (a request after step 4 of the pipeline, or a
    /// <see cref="TenantScope"/> of a batch job) and stays in it.
    /// </summary>
    public static IServiceCollection AddTenantContext(this IServiceCollection services)
    {
        // Try: the data layer and the HTTP pipeline both need it, and either may be added first.
        services.TryAddScoped<ITenantContext, TenantContext>();
        services.TryAddSingleton<TenantDirectoryChanges>();
        return services;
    }
}
