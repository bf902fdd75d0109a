using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TatamiTech.Tenancy.AspNetCore.Observability;
using TatamiTech.Tenancy.AspNetCore.RateLimiting;

namespace TatamiTech.Tenancy.AspNetCore.Resolution;

/// <summary>
/// Step 1 of the pipeline: the host (or, for internal callers, the X-Tenant header) names the academy,
/// which must be known. It only resolves: the academy is kept as <see cref="ResolvedTenant"/> for the
/// steps after it. A request that names no academy never reaches an endpoint (fail closed).
/// </summary>
internal sealed class TenantResolutionMiddleware(
    RequestDelegate next,
    TenantCatalog catalog,
    AcademyMetricTags metricTags,
    IOptionsMonitor<TenancyOptions> options,
    ILogger<TenantResolutionMiddleware> logger)
{
    // Refusals of unknown hosts: one warning per address and second, with the count, so that a flood of
    // invented subdomains is visible without each of its requests writing a record of its own.
    private readonly RefusalLogThrottle<ClientAddress> _unknownWarnings = new(TimeSpan.FromSeconds(1));

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<TenantAgnosticMetadata>() is not null)
        {
            await next(context);
            return;
        }

        var settings = options.CurrentValue;
        var fallback = settings.HeaderFallback;
        // The raw header: HttpRequest.Host decodes punycode labels and throws on one that does not decode.
        var host = context.Request.Headers.Host.ToString();
        var hostSlug = TenantHostParser.GetSlug(host, settings.RootDomains);
        var headerTrusted = fallback.Trusts(context.Connection.RemoteIpAddress)
            && (hostSlug is not null || TenantHostParser.IsRoot(host, settings.RootDomains));
        var selection = TenantSelection.Select(hostSlug, context.Request.Headers[fallback.HeaderName], headerTrusted);

        if (selection.Rejection is { } reason)
        {
            await RejectAsync(context, reason, host, hostSlug, settings);
            return;
        }

        if (!catalog.IsLoaded && !await WaitForDirectoryAsync(settings, context.RequestAborted))
        {
            TenancyLog.DirectoryNotLoaded(logger);
            TenancyTelemetry.CountRejection(TenantRejectionReason.DirectoryNotLoaded);
            await TenancyProblems.DirectoryNotLoaded(context);
            return;
        }

        var slug = selection.Slug!;
        if (!catalog.TryFind(slug, out var tenant))
        {
            var address = ClientAddress.Of(context.Connection.RemoteIpAddress);
            if (_unknownWarnings.Refused(address) is > 0 and var refused)
            {
                TenancyLog.UnknownTenants(logger, address.ToString(), refused, TenancyLog.Truncate(slug));
            }

            TenancyTelemetry.CountRejection(TenantRejectionReason.UnknownTenant);
            await TenancyProblems.NotFound(context);
            return;
        }

        // Not yet a member: a name already given, else "other" (the rate limit names the academy for its members).
        var metricTag = metricTags.For(tenant, claim: false);
        if (metricTag is not null)
        {
            // http.server.request.duration of this request, whatever answers it, is counted for its academy.
            context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new(TenantTags.Slug, metricTag));
        }

        if (tenant.Suspended)
        {
            // An expected refusal, not an anomaly: the operator suspended it, its users are told so.
            TenancyLog.AcademySuspended(logger, tenant.Slug);
            TenancyTelemetry.CountRejection(TenantRejectionReason.AcademySuspended, metricTag);
            await TenancyProblems.AcademySuspended(context);
            return;
        }

        if (selection.FromHeader)
        {
            TenancyLog.TenantFromHeader(logger, slug, host);
        }

        context.Features.Set(new ResolvedTenant(tenant, selection.FromHeader, metricTag));
        // The request span names the academy asked for even if a later step refuses the caller, so that
        // cross-tenant attempts are found by academy in the traces.
        Activity.Current?.SetTag(TenantTags.Slug, tenant.Slug);
        await next(context);
    }

    /// <summary>The first requests of a starting process wait for the directory's first read, within a bound.</summary>
    private async Task<bool> WaitForDirectoryAsync(TenancyOptions settings, CancellationToken aborted)
    {
        try
        {
            await catalog.Loaded.WaitAsync(settings.DirectoryLoadWait, aborted);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task RejectAsync(
        HttpContext context,
        TenantRejectionReason reason,
        string host,
        string? hostSlug,
        TenancyOptions settings)
    {
        TenancyTelemetry.CountRejection(reason);
        if (reason == TenantRejectionReason.HeaderConflict)
        {
            TenancyLog.HeaderConflict(
                logger,
                TenancyLog.Truncate(context.Request.Headers[settings.HeaderFallback.HeaderName].ToString()),
                hostSlug ?? host);
            await TenancyProblems.Forbidden(context);
            return;
        }

        TenancyLog.NoTenantInHost(logger, TenancyLog.Truncate(host));
        await TenancyProblems.NotFound(context);
    }
}
