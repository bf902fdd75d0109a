namespace TatamiTech.ServiceDefaults.Tenancy.RateLimiting;

/// <summary>Bound from <c>Tenancy:RateLimits</c>: token buckets, refilled continuously.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Tenancy:RateLimits";

    /// <summary>Every request of one academy, whoever sends it: one noisy academy cannot starve the others.</summary>
    public TokenBucket Academy { get; set; } = new() { PermitsPerSecond = 100, Burst = 200 };

    /// <summary>
    /// Per client address, for what costs before an academy is known: host lookups that find no academy (a
    /// flood of invented subdomains; once the address is out of permits, no lookup is made for it) and
    /// development token minting. The first lookups of real academies are not charged, so a load balancer's
    /// address is not throttled when a restarted process meets thousands of academies.
    /// </summary>
    public TokenBucket Address { get; set; } = new() { PermitsPerSecond = 20, Burst = 50 };

    public bool IsValid() => Academy.IsValid() && Address.IsValid();
}

public sealed class TokenBucket
{
    public int PermitsPerSecond { get; set; }

    /// <summary>Requests allowed at once after a quiet spell.</summary>
    public int Burst { get; set; }

    internal bool IsValid() => PermitsPerSecond > 0 && Burst >= 1;
}
