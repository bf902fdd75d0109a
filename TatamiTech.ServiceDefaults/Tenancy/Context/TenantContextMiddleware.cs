using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TatamiTech.ServiceDefaults.Tenancy.Observability;
using TatamiTech.ServiceDefaults.Tenancy.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.ServiceDefaults.Tenancy.Context;

/// <summary>
/// Step 4 of the pipeline: the request, now bound to its academy, enters the tenant context. From here
/// on handlers read the academy from <see cref="ITenantContext"/>, every log record carries it, and every
/// query is guarded by it (step 5, in the data layer).
/// </summary>
internal sealed class TenantContextMiddleware(RequestDelegate next, ILogger<TenantContextMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, ITenantContext tenantContext)
    {
        if (ResolvedTenant.Of(context) is not { } tenant)
        {
            await next(context);
            return;
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
        // A cancelled request and a request the framework could not bind are not failures of ours.
        if (exception is not (OperationCanceledException or BadHttpRequestException))
        {
            TenancyLog.UnhandledInTenant(logger, exception);
        }

        return false;
    }
}
