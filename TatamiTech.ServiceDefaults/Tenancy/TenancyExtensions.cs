using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TatamiTech.ServiceDefaults.Authentication;

namespace TatamiTech.ServiceDefaults.Tenancy;

public static class TenancyExtensions
{
    /// <summary>The policy every endpoint gets unless it opts out: an authenticated caller of this tenant.</summary>
    public static readonly AuthorizationPolicy TenantMemberPolicy = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser()
        .AddRequirements(TenantMemberRequirement.Instance)
        .Build();

    /// <summary>
    /// The tenant context and its directory cache: what every service needs, with or without HTTP.
    /// </summary>
    public static TBuilder AddTenantContext<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<TenancyOptions>()
            .BindConfiguration(TenancyOptions.SectionName);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<TenantResolver>();
        builder.Services.AddScoped<ITenantContext, TenantContext>();
        return builder;
    }

    /// <summary>
    /// The tenant-aware HTTP pipeline: host resolution, JWT authentication and the tenant binding.
    /// Both the fallback and the default authorization policy require the binding, so an endpoint
    /// added without any authorization call is still tenant-bound.
    /// </summary>
    public static TBuilder AddTenancy<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddTenantContext();
        builder.AddJwtAuthentication();

        builder.Services.AddScoped<IAuthorizationHandler, TenantMemberHandler>();
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(TenantMemberPolicy)
            .SetFallbackPolicy(TenantMemberPolicy);

        return builder;
    }

    /// <summary>Resolve the tenant, then authenticate, then authorize: the order the model prescribes.</summary>
    public static WebApplication UseTenancy(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<TenantResolutionMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
