using System.Net;
using Microsoft.Extensions.Options;
using TatamiTech.Tenancy.AspNetCore.Observability;

namespace TatamiTech.Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// The pipeline's budgets: each academy's members; each academy host's strangers; each client address.
/// Academies are bounded by the directory (only resolved academies get here); addresses by
/// <see cref="RateLimitOptions.MaxAddresses"/>.
/// </summary>
public sealed class TenancyRateLimiter
{
    private readonly TokenBuckets<Guid> _members;
    private readonly TokenBuckets<Guid> _strangers;
    private readonly TokenBuckets<ClientAddress> _addresses;
    private readonly RefusalLogThrottle<Guid> _memberWarnings = new(TimeSpan.FromSeconds(1));
    private readonly RefusalLogThrottle<Guid> _strangerWarnings = new(TimeSpan.FromSeconds(1));
    private readonly RefusalLogThrottle<ClientAddress> _addressWarnings = new(TimeSpan.FromSeconds(1));

    public TenancyRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        _members = new(settings.Members, int.MaxValue, time);
        _strangers = new(settings.Strangers, int.MaxValue, time);
        _addresses = new(settings.Address, settings.MaxAddresses, time);
    }

    /// <summary>Client addresses holding a bucket now.</summary>
    internal int AddressCount => _addresses.Count;

    /// <summary>A request of the academy's members.</summary>
    public bool TryAcquireForMembers(Guid academyId, out TimeSpan retryAfter) => _members.TryTake(academyId, out retryAfter);

    /// <summary>A request from outside the academy's members: its address first, then the academy host's stranger budget.</summary>
    public StrangerVerdict TryAcquireForStranger(Guid academyId, ClientAddress address, out TimeSpan retryAfter)
    {
        if (!_addresses.TryTake(address, out retryAfter))
        {
            return StrangerVerdict.AddressOverLimit;
        }

        return _strangers.TryTake(academyId, out retryAfter) ? StrangerVerdict.Allowed : StrangerVerdict.AcademyOverLimit;
    }

    /// <summary>A request limited by its client address alone (token minting).</summary>
    public bool TryAcquireForAddress(IPAddress? address, out TimeSpan retryAfter) =>
        _addresses.TryTake(ClientAddress.Of(address), out retryAfter);

    /// <summary>How many refusals of this academy's members to report in a warning now (0: only count this one).</summary>
    internal long MemberRefusalsToLog(Guid academyId) => _memberWarnings.Refused(academyId);

    /// <summary>How many refusals of this academy's strangers to report in a warning now (0: only count this one).</summary>
    internal long StrangerRefusalsToLog(Guid academyId) => _strangerWarnings.Refused(academyId);

    /// <summary>How many refusals of this address to report in a warning now (0: only count this one).</summary>
    internal long AddressRefusalsToLog(ClientAddress address) => _addressWarnings.Refused(address);
}

public enum StrangerVerdict
{
    Allowed,
    AddressOverLimit,
    AcademyOverLimit,
}
