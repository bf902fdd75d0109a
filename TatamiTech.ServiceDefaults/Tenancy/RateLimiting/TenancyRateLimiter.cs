using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TatamiTech.ServiceDefaults.Tenancy.RateLimiting;

/// <summary>
/// The framework's token-bucket limiters, partitioned by academy and by client address. Idle partitions
/// are dropped by the partitioned limiter itself, so invented addresses do not grow it without bound.
/// </summary>
public sealed class TenancyRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _academies;
    private readonly PartitionedRateLimiter<string> _addresses;
    private readonly RefusalLogThrottle<Guid> _academyWarnings = new(TimeSpan.FromSeconds(1));
    private readonly RefusalLogThrottle<string> _addressWarnings = new(TimeSpan.FromSeconds(1));

    public TenancyRateLimiter(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        _academies = PartitionedRateLimiter.Create<Guid, Guid>(
            id => RateLimitPartition.GetTokenBucketLimiter(id, _ => Bucket(settings.Academy)));
        _addresses = PartitionedRateLimiter.Create<string, string>(
            address => RateLimitPartition.GetTokenBucketLimiter(address, _ => Bucket(settings.Address)));
    }

    public RateLimitLease AcquireForAcademy(Guid academyId) => _academies.AttemptAcquire(academyId);

    public RateLimitLease AcquireForAddress(IPAddress? address) => _addresses.AttemptAcquire(Key(address));

    /// <summary>Whether the address has no permit left, without taking one.</summary>
    public bool IsAddressExhausted(IPAddress? address) =>
        _addresses.GetStatistics(Key(address)) is { CurrentAvailablePermits: <= 0 };

    /// <summary>Takes one of the address's permits, if it has one: the price of a lookup that found no academy.</summary>
    public void ChargeAddress(IPAddress? address) => _addresses.AttemptAcquire(Key(address)).Dispose();

    /// <summary>How many refusals of this academy to report in a warning now (0: only count this one).</summary>
    internal long AcademyRefusalsToLog(Guid academyId) => _academyWarnings.Refused(academyId);

    /// <summary>How many refusals of this address to report in a warning now (0: only count this one).</summary>
    internal long AddressRefusalsToLog(IPAddress? address) => _addressWarnings.Refused(Key(address));

    private static string Key(IPAddress? address) =>
        address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    public void Dispose()
    {
        _academies.Dispose();
        _addresses.Dispose();
    }

    // Refilled ten times a second (or once per permit, for fewer than ten a second), so a bucket never
    // waits a whole second for its next permits and the rate is what is configured.
    private static TokenBucketRateLimiterOptions Bucket(TokenBucket bucket) => new()
    {
        TokenLimit = bucket.Burst,
        TokensPerPeriod = bucket.PermitsPerSecond >= 10 ? bucket.PermitsPerSecond / 10 : 1,
        ReplenishmentPeriod = bucket.PermitsPerSecond >= 10
            ? TimeSpan.FromMilliseconds(100)
            : TimeSpan.FromSeconds(1.0 / bucket.PermitsPerSecond),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
