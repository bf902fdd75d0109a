using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TatamiTech.ServiceDefaults.Authentication;

namespace TatamiTech.ServiceDefaults.Tenancy;

public static class TenancyExtensions
{
    /// <summary>
    /// The policy every endpoint gets unless it opts out: an authenticated caller. That the caller
    /// belongs to the request's tenant is checked for every request by <see cref="TenantBindingMiddleware"/>.
    /// </summary>
    public static readonly AuthorizationPolicy AuthenticatedCallerPolicy = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser()
        .Build();

    /// <summary>
    /// The tenant context and its directory cache: what every service needs, with or without HTTP.
    /// </summary>
    public static TBuilder AddTenantContext<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<TenancyOptions>()
            .BindConfiguration(TenancyOptions.SectionName);
        builder.Services.AddSingleton<TenantResolver>();
        builder.Services.AddScoped<ITenantContext, TenantContext>();
        return builder;
    }

    /// <summary>
    /// The tenant-aware HTTP pipeline: host resolution, JWT authentication and the tenant binding.
    /// The fallback policy requires an authenticated caller, so an endpoint added without any
    /// authorization call is not public; the binding applies whatever the endpoint's policy.
    /// </summary>
    public static TBuilder AddTenancy<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddTenantContext();
        builder.AddJwtAuthentication();

        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(AuthenticatedCallerPolicy)
            .SetFallbackPolicy(AuthenticatedCallerPolicy);

        return builder;
    }

    /// <summary>Resolve the tenant, authenticate, bind the caller to the tenant, authorize: the order the model prescribes.</summary>
    public static WebApplication UseTenancy(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<TenantResolutionMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<TenantBindingMiddleware>();
        app.UseAuthorization();
        return app;
    }
}
