using Microsoft.Extensions.Primitives;
using TatamiTech.Tenancy.AspNetCore.Observability;

namespace TatamiTech.Tenancy.AspNetCore.Resolution;

/// <summary>The slug a request asks for, or why it names none.</summary>
public readonly record struct TenantSelection(string? Slug, TenantRejectionReason? Rejection, bool FromHeader)
{
    public static TenantSelection Rejected(TenantRejectionReason reason) => new(null, reason, false);

    /// <summary>
    /// The header rules: the host wins; the X-Tenant header is read only from a trusted caller
    /// (<paramref name="headerTrusted"/>, see <see cref="HeaderFallbackOptions"/>), is used only when the host
    /// names no tenant, and a header that disagrees with the host tenant is a conflict.
    /// </summary>
    public static TenantSelection Select(string? hostSlug, StringValues header, bool headerTrusted)
    {
        var headerPresent = headerTrusted && !StringValues.IsNullOrEmpty(header);
        var headerSlug = headerPresent && header.Count == 1 ? TenantSlug.Normalize(header[0]) : null;

        if (hostSlug is not null)
        {
            if (headerPresent && !string.Equals(headerSlug, hostSlug, StringComparison.Ordinal))
            {
                return Rejected(TenantRejectionReason.HeaderConflict);
            }

            return new(hostSlug, null, false);
        }

        return headerSlug is not null
            ? new(headerSlug, null, true)
            : Rejected(TenantRejectionReason.NoTenantInHost);
    }
}
