using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace TatamiTech.Tenancy.AspNetCore.Observability;

/// <summary>
/// The value of <c>tenant.slug</c> on metrics. Every distinct value is a time series in every metrics
/// backend, so only the first <see cref="AcademyMetricsOptions.MaxAcademies"/> academies a process serves are
/// named; the rest share <see cref="Other"/>. A named academy keeps its name for the life of the process, so
/// its series never breaks. Only an academy's members claim a name (<c>claim</c>): requests from outside it
/// (anonymous, another academy's token) are tagged with a name already given, else <see cref="Other"/>, so they
/// cannot use up the names before the academies' own traffic arrives. Traces and logs always carry the real slug.
/// </summary>
public sealed class AcademyMetricTags(IOptions<AcademyMetricsOptions> options)
{
    public const string Other = "other";

    private readonly ConcurrentDictionary<Guid, string> _named = new();
    private int _count;

    /// <param name="claim">Whether the academy may take a free name: true for a request of its members.</param>
    /// <returns>The academy's tag value, or <c>null</c> when metrics carry no academy.</returns>
    public string? For(TenantInfo tenant, bool claim = true)
    {
        var settings = options.Value;
        if (!settings.TagAcademy)
        {
            return null;
        }

        if (_named.TryGetValue(tenant.Id, out var tag))
        {
            return tag;
        }

        if (!claim)
        {
            return Other;
        }

        // A slot is taken before the name is stored, so concurrent first requests never exceed the limit.
        if (Interlocked.Increment(ref _count) > settings.MaxAcademies)
        {
            Interlocked.Decrement(ref _count);
            return Other;
        }

        if (!_named.TryAdd(tenant.Id, tenant.Slug))
        {
            Interlocked.Decrement(ref _count);
        }

        return _named[tenant.Id];
    }
}
