using Microsoft.AspNetCore.Builder;

namespace TatamiTech.ServiceDefaults.Tenancy.Resolution;

/// <summary>Marks an endpoint that serves no academy (health probes, dev tooling): tenant resolution skips it.</summary>
public sealed class TenantAgnosticMetadata
{
    public static readonly TenantAgnosticMetadata Instance = new();

    private TenantAgnosticMetadata()
    {
    }
}

public static class TenantAgnosticEndpointExtensions
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
