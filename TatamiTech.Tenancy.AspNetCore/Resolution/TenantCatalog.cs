using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace TatamiTech.Tenancy.AspNetCore.Resolution;

/// <summary>
/// Every academy by slug, in memory: a host is resolved without a database query, and a host that names no
/// academy is refused from memory too, so a flood of invented subdomains costs nothing to answer and has no
/// shared budget to exhaust before a real academy. Kept current by <see cref="TenantCatalogSync"/>.
/// </summary>
public sealed class TenantCatalog
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ConcurrentDictionary<string, TenantInfo>? _bySlug;

    /// <summary>Whether the directory has been read once; until then nothing resolves.</summary>
    public bool IsLoaded => _bySlug is not null;

    /// <summary>Completes when the directory has been read once.</summary>
    public Task Loaded => _loaded.Task;

    public int Count => _bySlug?.Count ?? 0;

    public bool TryFind(string slug, [NotNullWhen(true)] out TenantInfo? tenant)
    {
        if (_bySlug is { } bySlug)
        {
            return bySlug.TryGetValue(slug, out tenant);
        }

        tenant = null;
        return false;
    }

    /// <summary>The whole directory, read anew: replaces what was held.</summary>
    internal void ReplaceAll(IReadOnlyCollection<TenantInfo> tenants)
    {
        // Sized for what was read and a little growth, so that building it does not resize it step by step.
        var bySlug = new ConcurrentDictionary<string, TenantInfo>(
            Environment.ProcessorCount, tenants.Count + (tenants.Count / 8) + 16, StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            bySlug[tenant.Slug] = tenant;
        }

        _bySlug = bySlug;
        _loaded.TrySetResult();
    }

    /// <summary>One slug, read anew after its change was announced: <paramref name="tenant"/> null when it no longer exists.</summary>
    internal void Apply(string slug, TenantInfo? tenant)
    {
        if (_bySlug is not { } bySlug)
        {
            return;
        }

        if (tenant is null)
        {
            bySlug.TryRemove(slug, out _);
        }
        else
        {
            bySlug[slug] = tenant;
        }
    }
}
