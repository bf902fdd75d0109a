using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TatamiTech.Tenancy;

namespace TatamiTech.ServiceDefaults.Tenancy.Resolution;

/// <summary>
/// Slug to tenant, through a cache of its own: a warm lookup costs no database round trip. Known tenants
/// are kept for <see cref="TenancyOptions.CacheDuration"/>, unknown slugs for
/// <see cref="TenancyOptions.NegativeCacheDuration"/>, so a new or renamed tenant is seen within those
/// bounds. The cache is bounded, so a flood of invented subdomains cannot grow it without limit.
/// </summary>
public sealed class TenantResolver(ITenantDirectory directory, IOptionsMonitor<TenancyOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.CurrentValue.CacheSizeLimit });

    /// <summary>Whether the slug's answer (an academy, or none) is cached: a lookup would cost nothing.</summary>
    public bool TryGetCached(string slug, out TenantInfo? tenant) => _cache.TryGetValue(slug, out tenant);

    public async ValueTask<TenantInfo?> FindAsync(string slug, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(slug, out TenantInfo? cached))
        {
            return cached;
        }

        var tenant = await directory.FindBySlugAsync(slug, cancellationToken);
        var settings = options.CurrentValue;
        _cache.Set(slug, tenant, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = tenant is null ? settings.NegativeCacheDuration : settings.CacheDuration,
        });
        return tenant;
    }

    public void Dispose() => _cache.Dispose();
}
