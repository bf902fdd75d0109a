namespace TatamiTech.Tenancy.AspNetCore.Resolution;

/// <summary>Bound from the <c>Tenancy</c> configuration section.</summary>
public sealed class TenancyOptions
{
    public const string SectionName = "Tenancy";

    /// <summary>Domains whose direct subdomains name tenants, e.g. <c>tatamitech.com</c>.</summary>
    public List<string> RootDomains { get; set; } = [];

    /// <summary>Who may name the academy in the X-Tenant header instead of the host.</summary>
    public HeaderFallbackOptions HeaderFallback { get; set; } = new();

    /// <summary>
    /// How often the whole directory is read again although no change was missed: the bound on staleness
    /// should an announcement be lost without the listener noticing.
    /// </summary>
    public TimeSpan DirectoryReloadInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a request that arrives before the directory was first read waits for it, then 503.</summary>
    public TimeSpan DirectoryLoadWait { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsValid() =>
        HeaderFallback.IsValid() && DirectoryReloadInterval > TimeSpan.Zero && DirectoryLoadWait >= TimeSpan.Zero;
}
