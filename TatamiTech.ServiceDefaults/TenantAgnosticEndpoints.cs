using Microsoft.AspNetCore.Builder;
using TatamiTech.Tenancy;

namespace TatamiTech.ServiceDefaults;

public static class TenantAgnosticEndpoints
{
    /// <summary>
    /// Opts an endpoint out of tenant resolution. Rare by design: every endpoint is tenant-scoped
    /// unless it says otherwise.
    /// </summary>
    public static TBuilder WithTenantAgnostic<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(TenantAgnosticMetadata.Instance);
        return builder;
    }
}
