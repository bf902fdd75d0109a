using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using TatamiTech.Tenancy.AspNetCore.Resolution;
using TatamiTech.Tenancy.AspNetCore.Authentication;

namespace TatamiTech.Tenancy.AspNetCore.Binding;

/// <summary>What a request's caller is to the academy its host names.</summary>
internal enum Membership
{
    /// <summary>A valid token whose one <c>tenant_id</c> is this academy's.</summary>
    Member,

    /// <summary>No valid token: none was sent, or it did not validate.</summary>
    Anonymous,

    /// <summary>A valid token without a <c>tenant_id</c>.</summary>
    NoTenant,

    /// <summary>A valid token for another academy, or whose <c>tenant_id</c> is not one canonical id.</summary>
    OtherTenant,
}

/// <summary>
/// The one test of whether a caller belongs to an academy, used by the rate limit (whose budget a request
/// draws from) and by step 3 (which refuses the others).
/// </summary>
internal static class TenantMembership
{
    /// <summary>The length of a UUID in its canonical form: 8-4-4-4-12 hexadecimal digits.</summary>
    private const int CanonicalLength = 36;

    /// <summary>The request's caller to the academy its host names, decided once per request.</summary>
    public static Membership Of(HttpContext context, ResolvedTenant resolved) =>
        resolved.CallerMembership ??= Of(context.User, resolved.Tenant.Id);

    public static Membership Of(ClaimsPrincipal user, Guid academyId)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return Membership.Anonymous;
        }

        // One pass, no allocation on the accepted path: the first tenant_id claim and whether there are more.
        Claim? claim = null;
        var count = 0;
        foreach (var candidate in user.Claims)
        {
            if (candidate.Type == TatamiClaims.TenantId && count++ == 0)
            {
                claim = candidate;
            }
        }

        if (claim is null || (count == 1 && string.IsNullOrEmpty(claim.Value)))
        {
            return Membership.NoTenant;
        }

        // Exactly one tenant_id, a string holding the academy's id in lower-case 8-4-4-4-12 form, as tokens are
        // issued, compared character by character: an array (each value becomes a claim of its own, and the first
        // would win), a number, an object, surrounding spaces, braces, a 0x prefix or upper case is refused, so
        // one id has one spelling in every token, log and comparison.
        return count == 1 && claim.ValueType == ClaimValueTypes.String && IsCanonical(claim.Value, academyId)
            ? Membership.Member
            : Membership.OtherTenant;
    }

    public static bool IsCanonical(string value, Guid id)
    {
        if (value.Length != CanonicalLength)
        {
            return false;
        }

        Span<char> expected = stackalloc char[CanonicalLength];
        return id.TryFormat(expected, out _, "D") && value.AsSpan().SequenceEqual(expected);
    }
}
