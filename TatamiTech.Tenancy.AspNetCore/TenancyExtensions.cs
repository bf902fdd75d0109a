using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TatamiTech.Tenancy.AspNetCore.Authentication;
using TatamiTech.Tenancy.AspNetCore.Binding;
using TatamiTech.Tenancy.AspNetCore.Context;
using TatamiTech.Tenancy.AspNetCore.Observability;
using TatamiTech.Tenancy.AspNetCore.RateLimiting;
using TatamiTech.Tenancy.AspNetCore.Resolution;

namespace TatamiTech.Tenancy.AspNetCore;

/// <summary>
/// The tenancy pipeline of an academy-facing HTTP service, in the order of the multitenancy model. One
/// numbering is shared by these methods, the folders beside this file, the README and the tests:
/// <list type="number">
/// <item><b>Resolution</b> (<c>Resolution/</c>): the host names a known academy, else 404; answered from the
/// directory held in memory.</item>
/// <item><b>Authentication</b> (<c>Binding/</c>): a valid JWT bearer token, else 401; then the rate limit
/// (<c>RateLimiting/</c>), else 429: the academy members' budget for a token of the academy, the caller's
/// address and the academy's budget for strangers for any other request.</item>
/// <item><b>Binding</b> (<c>Binding/</c>): the token's <c>tenant_id</c> is that academy's, else 403.</item>
/// <item><b>Context</b> (<c>Context/</c>): the request enters the academy's tenant context.</item>
/// <item><b>Guard</b> (TatamiTech.Data): every query filtered, every write checked, row-level security behind both.</item>
/// </list>
/// Across all of them, <b>observability</b> (<c>Observability/</c>): the academy on logs and spans, refusals
/// logged and counted.
/// </summary>
public static class TenancyExtensions
{
    /// <summary>
    /// The policy every endpoint gets unless it opts out: an authenticated caller. That the caller
    /// belongs to the request's academy is checked for every request by step 3.
    /// </summary>
    public static readonly AuthorizationPolicy AuthenticatedCallerPolicy =
        new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .Build();

    /// <summary>
    /// What the pipeline needs. The fallback policy requires an authenticated caller, so an endpoint
    /// added without any authorization call is not public.
    /// </summary>
    public static TBuilder AddTenancy<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddAcademyResolution();

        // 2. Authentication and 3. Binding: JWT bearer, and an authenticated caller by default.
        builder.AddJwtAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(AuthenticatedCallerPolicy)
            .SetFallbackPolicy(AuthenticatedCallerPolicy);

        // What the steps answer, in every OpenAPI document of the service.
        builder.Services.ConfigureAll<OpenApiOptions>(options => options.AddOperationTransformer<TenancyResponsesTransformer>());
        return builder;
    }

    /// <summary>
    /// Steps 1 and 4 and the budgets, without tokens: for a service on academies' hosts whose callers are not members
    /// yet (the identity service, where they come to sign in). Every caller draws from the strangers' budgets.
    /// </summary>
    public static TBuilder AddAcademyResolution<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // 1. Resolution: the root domains, the header fallback and the directory held in memory, which the
        // service is not ready without.
        builder.Services.AddOptions<TenancyOptions>()
            .BindConfiguration(TenancyOptions.SectionName)
            .Validate(o => o.IsValid(), "Tenancy: HeaderFallback:TrustedNetworks must be CIDR networks, DirectoryReloadInterval positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TenantCatalog>();
        builder.Services.AddHostedService<TenantCatalogSync>();
        builder.Services.AddHealthChecks().AddCheck<TenantCatalogHealthCheck>(TenantCatalogHealthCheck.Name);

        // The budgets: the members' (after authentication), the caller's address and the academy's strangers'.
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName)
            .Validate(o => o.IsValid(), "Tenancy:RateLimits: PermitsPerSecond must be positive, Burst and MaxAddresses at least 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TenancyRateLimiter>();

        // Across the steps: the academy on request metrics, within a bound.
        builder.Services.AddOptions<AcademyMetricsOptions>()
            .BindConfiguration(AcademyMetricsOptions.SectionName)
            .Validate(o => o.MaxAcademies >= 0, "Tenancy:Metrics:MaxAcademies must not be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AcademyMetricTags>();

        // 4. Context.
        builder.Services.AddTenantContext();
        return builder;
    }

    /// <summary>
    /// The tenancy middleware, in the model's order. Goes after <c>UseRouting()</c>, so that step 1 can
    /// see whether the endpoint is tenant-agnostic.
    /// </summary>
    public static WebApplication UseTenancy(this WebApplication app)
    {
        app.UseMiddleware<TenantResolutionMiddleware>();   // 1. Resolution
        app.UseAuthentication();                           // 2. Authentication,
        app.UseMiddleware<TenantRateLimitMiddleware>();    //    then the members' or the strangers' budget
        app.UseMiddleware<TenantBindingMiddleware>();      // 3. Binding,
        app.UseAuthorization();                            //    then the endpoint's policy
        app.UseMiddleware<TenantContextMiddleware>();      // 4. Context
        return app;                                        // 5. Guard: in the data layer
    }

    /// <summary>
    /// Steps 1 and 4 with the strangers' budgets between them (<see cref="AddAcademyResolution{TBuilder}"/>): the
    /// academy the host names, entered for the rest of the request, before any handler of the service runs.
    /// </summary>
    public static IApplicationBuilder UseAcademyResolution(this IApplicationBuilder app)
    {
        app.UseMiddleware<TenantResolutionMiddleware>();   // 1. Resolution
        app.UseMiddleware<TenantRateLimitMiddleware>();    //    the caller's address and the academy's strangers' budget
        app.UseMiddleware<TenantContextMiddleware>();      // 4. Context
        return app;
    }
}
