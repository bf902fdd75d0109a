namespace TatamiTech.ServiceDefaults.Tenancy.Resolution;

/// <summary>Bound from the <c>Tenancy</c> configuration section.</summary>
public sealed class TenancyOptions
{
    public const string SectionName = "Tenancy";

    /// <summary>Domains whose direct subdomains name tenants, e.g. <c>tatamitech.com</c>.</summary>
    public List<string> RootDomains { get; set; } = [];

    /// <summary>Who may name the academy in the X-Tenant header instead of the host.</summary>
    public HeaderFallbackOptions HeaderFallback { get; set; } = new();

    /// <summary>How long a known tenant is served from cache: the bound on seeing a renamed tenant.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an unknown slug is remembered: the bound on seeing a newly created tenant.</summary>
    public TimeSpan NegativeCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most slugs (known or not) kept in the lookup cache at once.</summary>
    public long CacheSizeLimit { get; set; } = 100_000;
}
