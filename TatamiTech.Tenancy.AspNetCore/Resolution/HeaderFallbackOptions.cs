using System.Net;
using TatamiTech.Names;

namespace TatamiTech.Tenancy.AspNetCore.Resolution;

/// <summary>
/// The X-Tenant header is for internal tools, never for the public: it is read only from callers on
/// <see cref="TrustedNetworks"/> (none unless configured; loopback in Development), only on a host that is
/// one of the root domains (a page on another site that points a name at this service, DNS rebinding,
/// cannot use it), and it never overrides the academy the host names.
/// </summary>
public sealed class HeaderFallbackOptions
{
    private IReadOnlyList<IPNetwork>? _networks;

    public string HeaderName { get; set; } = HeaderNames.Tenant;

    /// <summary>CIDR ranges (<c>10.0.0.0/8</c>, <c>::1/128</c>) whose callers' header is believed.</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>Every entry of <see cref="TrustedNetworks"/> is a network; checked at start.</summary>
    public bool IsValid() => TrustedNetworks.TrueForAll(n => IPNetwork.TryParse(n, out _));

    public bool Trusts(IPAddress? caller)
    {
        if (caller is null || TrustedNetworks.Count == 0)
        {
            return false;
        }

        // Options are rebuilt when configuration changes, so the parsed list is this instance's own.
        _networks ??= [.. TrustedNetworks.Select(n => IPNetwork.Parse(n))];
        var address = caller.IsIPv4MappedToIPv6 ? caller.MapToIPv4() : caller;
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
