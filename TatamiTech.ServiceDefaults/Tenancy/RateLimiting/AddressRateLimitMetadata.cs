using Microsoft.AspNetCore.Builder;

namespace TatamiTech.ServiceDefaults.Tenancy.RateLimiting;

/// <summary>Marks an endpoint whose callers are also limited per client address (token minting).</summary>
public sealed class AddressRateLimitMetadata
{
    public static readonly AddressRateLimitMetadata Instance = new();

    private AddressRateLimitMetadata()
    {
    }
}

public static class AddressRateLimitEndpointExtensions
{
    /// <summary>Limits the endpoint per client address too, on top of its academy's limit.</summary>
    public static TBuilder WithAddressRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(AddressRateLimitMetadata.Instance);
        return builder;
    }
}
