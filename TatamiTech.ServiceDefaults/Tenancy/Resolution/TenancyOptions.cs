namespace TatamiTech.ServiceDefaults.Tenancy.Resolution;

/// <summary>Bound from the <c>Tenancy</c> configuration section.</summary>
public sealed class TenancyOptions
{
    public const string SectionName = "Tenancy";
    public const string DefaultHeaderName = "X-Tenant";

    /// <summary>Domains whose direct subdomains name tenants, e.g. <c>tatamitech.com</c>.</summary>
    public List<string> RootDomains { get; set; } = [];

    /// <summary>
    /// Accept the tenant from the X-Tenant header when the host names none (internal callers).
    /// Off unless configured; it never overrides a tenant the host names.
    /// </summary>
    public bool AllowHeaderFallback { get; set; }

    public string HeaderName { get; set; } = DefaultHeaderName;

    /// <summary>How long a known tenant is served from cache: the bound on seeing a renamed tenant.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an unknown slug is remembered: the bound on seeing a newly created tenant.</summary>
    public TimeSpan NegativeCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most slugs (known or not) kept in the lookup cache at once.</summary>
    public long CacheSizeLimit { get; set; } = 100_000;
}
