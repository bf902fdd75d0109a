using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TatamiTech.ServiceDefaults.Tenancy;

/// <summary>
/// Step 1 of the pipeline: the host (or, for internal callers, the X-Tenant header) names the tenant,
/// which must be known. Runs before authentication; a request that names no tenant never reaches
/// an endpoint (fail closed).
/// </summary>
internal sealed class TenantResolutionMiddleware(
    RequestDelegate next,
    TenantResolver resolver,
    IOptionsMonitor<TenancyOptions> options,
    ILogger<TenantResolutionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, ITenantContext tenantContext)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<TenantAgnosticMetadata>() is not null)
        {
            await next(context);
            return;
        }

        var settings = options.CurrentValue;
        var host = context.Request.Host.Host;
        var hostSlug = TenantHostParser.GetSlug(host, settings.RootDomains);
        var selection = TenantSelection.Select(hostSlug, context.Request.Headers[settings.HeaderName], settings.AllowHeaderFallback);

        if (selection.Rejection is { } reason)
        {
            await RejectAsync(context, reason, host, hostSlug, settings);
            return;
        }

        var slug = selection.Slug!;
        var tenant = await resolver.FindAsync(slug, context.RequestAborted);
        if (tenant is null)
        {
            TenancyLog.UnknownTenant(logger, TenancyLog.Truncate(host), slug);
            TenancyTelemetry.CountRejection(TenantRejectionReason.UnknownTenant);
            await TenancyProblems.NotFound(context);
            return;
        }

        if (selection.FromHeader)
        {
            TenancyLog.TenantFromHeader(logger, slug, host);
        }

        using (tenantContext.Enter(tenant))
        {
            try
            {
                await next(context);
            }
            catch (Exception ex) when (LogInTenantScope(ex))
            {
                // Never reached: the filter only logs, while the tenant's log scope is still open.
                throw;
            }
        }
    }

    // The exception handler further out logs the failure too, but after the tenant scope has closed.
    private bool LogInTenantScope(Exception exception)
    {
        if (exception is not OperationCanceledException)
        {
            TenancyLog.UnhandledInTenant(logger, exception);
        }

        return false;
    }

    private async Task RejectAsync(HttpContext context, TenantRejectionReason reason, string host, string? hostSlug, TenancyOptions settings)
    {
        TenancyTelemetry.CountRejection(reason);
        if (reason == TenantRejectionReason.HeaderConflict)
        {
            TenancyLog.HeaderConflict(
                logger,
                TenancyLog.Truncate(context.Request.Headers[settings.HeaderName].ToString()),
                hostSlug ?? host);
            await TenancyProblems.Forbidden(context);
            return;
        }

        TenancyLog.NoTenantInHost(logger, TenancyLog.Truncate(host));
        await TenancyProblems.NotFound(context);
    }
}
