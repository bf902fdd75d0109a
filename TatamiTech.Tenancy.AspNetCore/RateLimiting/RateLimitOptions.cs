namespace TatamiTech.Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// Bound from <c>Tenancy:RateLimits</c>: token buckets, refilled continuously. Members and strangers never
/// share a budget: a request draws from <see cref="Members"/> only once its token proved it belongs to the
/// academy, so nobody outside an academy can spend what its members are given.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Tenancy:RateLimits";

    /// <summary>Each academy's members, together: one busy academy cannot starve the others.</summary>
    public TokenBucket Members { get; set; } = new() { PermitsPerSecond = 100, Burst = 200 };

    /// <summary>
    /// Each academy's host, for every request that is not its members' (no token, a token that does not
    /// validate, another academy's token): small, and apart from <see cref="Members"/>.
    /// </summary>
    public TokenBucket Strangers { get; set; } = new() { PermitsPerSecond = 20, Burst = 40 };

    /// <summary>
    /// Each client address (IPv6 by /64), for the same requests as <see cref="Strangers"/> and for development
    /// token minting: one address cannot use up an academy's <see cref="Strangers"/> budget alone.
    /// </summary>
    public TokenBucket Address { get; set; } = new() { PermitsPerSecond = 10, Burst = 20 };

    /// <summary>Most client addresses with a bucket at once; addresses past it share one bucket until some are idle.</summary>
    public int MaxAddresses { get; set; } = 100_000;

    public bool IsValid() => Members.IsValid() && Strangers.IsValid() && Address.IsValid() && MaxAddresses >= 1;
}

public sealed class TokenBucket
{
    public int PermitsPerSecond { get; set; }

    /// <summary>Requests allowed at once after a quiet spell.</summary>
    public int Burst { get; set; }

    internal bool IsValid() => PermitsPerSecond > 0 && Burst >= 1;
}
