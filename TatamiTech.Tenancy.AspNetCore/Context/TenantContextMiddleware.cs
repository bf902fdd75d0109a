using Microsoft.AspNetCore.Http;
using TatamiTech.Tenancy.AspNetCore.Resolution;

namespace TatamiTech.Tenancy.AspNetCore.Context;

/// <summary>
/// Step 4 of the pipeline: the request, now bound to its academy, enters the tenant context. From here
/// on handlers read the academy from <see cref="ITenantContext"/>, every log record carries it, and every
/// query is guarded by it (step 5, in the data layer).
/// </summary>
/// <remarks>
/// A failure is logged once, by the framework's exception handler further out; ServiceDefaults'
/// <c>TenantLogProcessor</c> gives that record the academy, although this scope has closed by then.
/// </remarks>
internal sealed class TenantContextMiddleware(RequestDelegate next)
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
            await next(context);
        }
    }
}
