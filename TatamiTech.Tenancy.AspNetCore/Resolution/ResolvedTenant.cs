using Microsoft.AspNetCore.Http;
using TatamiTech.Tenancy.AspNetCore.Binding;

namespace TatamiTech.Tenancy.AspNetCore.Resolution;

/// <summary>
/// The academy step 1 found for a request, kept as a request feature for the steps after it. Not yet
/// the tenant context: that is entered in step 4, once the caller is bound to this academy.
/// </summary>
/// <param name="MetricTag">The academy's <c>tenant.slug</c> on metrics (see AcademyMetricTags), or <c>null</c>.</param>
public sealed record ResolvedTenant(TenantInfo Tenant, bool FromHeader, string? MetricTag)
{
    /// <summary>The academy's <c>tenant.slug</c> on metrics; named once the caller proves to be a member.</summary>
    public string? MetricTag { get; internal set; } = MetricTag;

    public static TenantInfo? Of(HttpContext context) => context.Features.Get<ResolvedTenant>()?.Tenant;

    public static string? MetricTagOf(HttpContext context) => context.Features.Get<ResolvedTenant>()?.MetricTag;

    /// <summary>
    /// What the caller is to this academy, decided once after authentication
    /// (<see cref="TenantMembership.Of(HttpContext, ResolvedTenant)"/>): the rate limit and step 3 both need it.
    /// </summary>
    internal Membership? CallerMembership { get; set; }
}
