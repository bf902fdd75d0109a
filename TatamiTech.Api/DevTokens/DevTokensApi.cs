using Microsoft.AspNetCore.Http.HttpResults;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.Tenancy.Binding;
using TatamiTech.ServiceDefaults.Tenancy.RateLimiting;
using TatamiTech.Tenancy;

namespace TatamiTech.Api.DevTokens;

/// <summary>
/// <c>POST /dev/tokens</c> on an academy's host mints a token for that academy, so a developer can call
/// the API with curl. Exists only in Development with an HS256 key: Production never mints tokens.
/// </summary>
public static class DevTokensApi
{
    public const string DefaultSubject = "dev-user";
    private static readonly TimeSpan s_maxLifetime = TimeSpan.FromDays(1);

    public static bool IsEnabled(IHostEnvironment environment, IConfiguration configuration) =>
        environment.IsDevelopment()
        && !string.IsNullOrWhiteSpace(configuration[$"{JwtOptions.SectionName}:{nameof(JwtOptions.SigningKey)}"]);

    public static TBuilder AddDevTokens<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (IsEnabled(builder.Environment, builder.Configuration))
        {
            builder.Services.AddSingleton<DevTokenIssuer>();
        }

        return builder;
    }

    public static WebApplication MapDevTokensApi(this WebApplication app)
    {
        if (IsEnabled(app.Environment, app.Configuration))
        {
            // Anonymous, but still tenant-resolved: the token is for the academy the host names.
            app.MapPost(ServicePaths.DevTokens, IssueToken).AllowAnonymous().WithAddressRateLimit().WithTags("Development");
        }

        return app;
    }

    public static Results<Ok<DevTokenResponse>, ValidationProblem> IssueToken(
        DevTokenRequest? request, ITenantContext tenantContext, DevTokenIssuer issuer)
    {
        var subject = string.IsNullOrWhiteSpace(request?.Subject) ? DefaultSubject : request.Subject.Trim();
        var lifetime = TimeSpan.FromMinutes(request?.LifetimeMinutes ?? 60);
        if (lifetime <= TimeSpan.Zero || lifetime > s_maxLifetime)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["lifetimeMinutes"] = [$"Must be between 1 and {s_maxLifetime.TotalMinutes}."],
            });
        }

        var tenant = tenantContext.Required;
        var (token, expiresAt) = issuer.Issue(tenant, subject, lifetime);
        return TypedResults.Ok(new DevTokenResponse(token, "Bearer", tenant.Slug, subject, expiresAt));
    }
}
