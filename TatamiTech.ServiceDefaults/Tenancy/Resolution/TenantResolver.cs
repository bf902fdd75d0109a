using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TatamiTech.Tenancy;

namespace TatamiTech.ServiceDefaults.Tenancy.Resolution;

/// <summary>
/// Slug to tenant, through a cache of its own: a warm lookup costs no database round trip. A change the
/// platform announces (<see cref="TenantDirectoryChanges"/>) drops the academy from the cache at once;
/// the time bounds are the fallback when no announcement arrives: known tenants are kept for
/// <see cref="TenancyOptions.CacheDuration"/>, unknown slugs for <see cref="TenancyOptions.NegativeCacheDuration"/>.
/// The cache is bounded, so a flood of invented subdomains cannot grow it without limit.
/// </summary>
public sealed class TenantResolver : IDisposable
{
    private readonly ITenantDirectory _directory;
    private readonly IOptionsMonitor<TenancyOptions> _options;
    private readonly TenantDirectoryChanges _changes;
    private readonly MemoryCache _cache;

    // Bumped on every change: a lookup that began before it must not put its (perhaps stale) answer back.
    private long _version;

    public TenantResolver(ITenantDirectory directory, IOptionsMonitor<TenancyOptions> options, TenantDirectoryChanges changes)
    {
        _directory = directory;
        _options = options;
        _changes = changes;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.CurrentValue.CacheSizeLimit });
        _changes.Changed += OnChanged;
    }

    /// <summary>Whether the slug's answer (an academy, or none) is cached: a lookup would cost nothing.</summary>
    public bool TryGetCached(string slug, out TenantInfo? tenant) => _cache.TryGetValue(slug, out tenant);

    public async ValueTask<TenantInfo?> FindAsync(string slug, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(slug, out TenantInfo? cached))
        {
            return cached;
        }

        var version = Interlocked.Read(ref _version);
        var tenant = await _directory.FindBySlugAsync(slug, cancellationToken);
        if (Interlocked.Read(ref _version) == version)
        {
            var settings = _options.CurrentValue;
            _cache.Set(slug, tenant, new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpirationRelativeToNow = tenant is null ? settings.NegativeCacheDuration : settings.CacheDuration,
            });
        }

        return tenant;
    }

    public void Dispose()
    {
        _changes.Changed -= OnChanged;
        _cache.Dispose();
    }

    private void OnChanged(string? slug)
    {
        Interlocked.Increment(ref _version);
        if (slug is not null)
        {
            _cache.Remove(slug);
            return;
        }

        _cache.Clear();
    }
}
