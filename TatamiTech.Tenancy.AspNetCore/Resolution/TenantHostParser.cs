using System.Net;

namespace TatamiTech.Tenancy.AspNetCore.Resolution;

/// <summary>
/// Reads the tenant slug out of a request host: <c>{slug}.{root}</c> for one of the configured root
/// domains. Case-insensitive, port ignored, one trailing dot tolerated. Everything else names no tenant.
/// </summary>
public static class TenantHostParser
{
    public static string? GetSlug(string? host, IEnumerable<string> rootDomains)
    {
        var name = NormalizeHost(host);
        if (name is null || IPAddress.TryParse(name, out _))
        {
            return null;
        }

        // Longest root first: with roots "tatamitech.com" and "eu.tatamitech.com", "x.eu.tatamitech.com"
        // is tenant "x" of the second, not a nested subdomain of the first.
        foreach (var normalizedRoot in rootDomains.Select(NormalizeHost).OfType<string>().OrderByDescending(r => r.Length))
        {
            var suffixLength = normalizedRoot.Length + 1;
            if (name.Length <= suffixLength
                || name[^suffixLength] != '.'
                || !name.EndsWith(normalizedRoot, StringComparison.Ordinal))
            {
                continue;
            }

            var label = name[..^suffixLength];
            // A nested subdomain (a.b.root) is never a tenant, even if "b" is one.
            return label.Contains('.') || !TenantSlug.IsValid(label) ? null : label;
        }

        return null;
    }

    /// <summary>Whether the host is one of the root domains itself (no academy label).</summary>
    public static bool IsRoot(string? host, IEnumerable<string> rootDomains) =>
        NormalizeHost(host) is { } name && rootDomains.Any(root => NormalizeHost(root) == name);

    private static string? NormalizeHost(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        var name = host.Trim();

        // HostString.Host has no port, but configuration or raw headers may.
        if (name.StartsWith('['))
        {
            var close = name.IndexOf(']');
            return close > 0 ? name[1..close] : null;
        }

        var colon = name.IndexOf(':');
        if (colon >= 0)
        {
            // Two colons without brackets is a bare IPv6 address, which names no tenant anyway.
            if (name.IndexOf(':', colon + 1) >= 0)
            {
                return name;
            }

            name = name[..colon];
        }

        if (name.EndsWith('.'))
        {
            name = name[..^1];
        }

        if (name.Length == 0 || name.EndsWith('.') || name.StartsWith('.') || name.Contains(".."))
        {
            return null;
        }

        return name.ToLowerInvariant();
    }
}
