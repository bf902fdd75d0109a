using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace TatamiTech.ServiceDefaults.Tenancy;

/// <summary>
/// Slug to tenant, through a cache: a warm lookup costs no database round trip. Known tenants are kept
/// for <see cref="TenancyOptions.CacheDuration"/>, unknown slugs for <see cref="TenancyOptions.NegativeCacheDuration"/>,
/// so a new or renamed tenant is seen within those bounds.
/// </summary>
public sealed class TenantResolver(ITenantDirectory directory, IMemoryCache cache, IOptionsMonitor<TenancyOptions> options)
{
    public async ValueTask<TenantInfo?> FindAsync(string slug, CancellationToken cancellationToken)
    {
        var key = new CacheKey(slug);
        if (cache.TryGetValue(key, out TenantInfo? cached))
        {
            return cached;
        }

        var tenant = await directory.FindBySlugAsync(slug, cancellationToken);
        var settings = options.CurrentValue;
        cache.Set(key, tenant, tenant is null ? settings.NegativeCacheDuration : settings.CacheDuration);
        return tenant;
    }

    private sealed record CacheKey(string Slug);
}
