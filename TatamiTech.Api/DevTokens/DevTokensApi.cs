using Microsoft.AspNetCore.Http.HttpResults;
using TatamiTech.Names;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Authentication;

namespace TatamiTech.Api.DevTokens;

/// <summary>
/// <c>POST /dev/tokens</c> on an academy's host mints a token for that academy, so a developer can call
/// the API with curl. Exists only in Development with an HS256 key: Production never mints tokens.
/// </summary>
public static class DevTokensApi
{
    public const string DefaultSubject = "dev-user";
    public const int MaxSubjectLength = 100;
    public const int MaxLifetimeMinutes = 24 * 60;
    private static readonly TimeSpan s_referencePageLifetime = TimeSpan.FromHours(8);

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
            // Anonymous, but still tenant-resolved: the token is for the academy the host names, and as any request
            // without the academy's token, it draws from the caller's address budget and the academy's strangers' budget.
            app.MapPost(ServicePaths.DevTokens, IssueToken).AllowAnonymous().WithTags("Development")
                .WithSummary("Development only: a token of the academy this host names.");
        }

        return app;
    }

    public static Results<Ok<DevTokenResponse>, ValidationProblem> IssueToken(
        DevTokenRequest? request, ITenantContext tenantContext, DevTokenIssuer issuer)
    {
        var subject = string.IsNullOrWhiteSpace(request?.Subject) ? DefaultSubject : request.Subject.Trim();
        var minutes = request?.LifetimeMinutes ?? 60;
        var errors = new Dictionary<string, string[]>();
        if (subject.Length > MaxSubjectLength)
        {
            errors["subject"] = [$"At most {MaxSubjectLength} characters."];
        }

        if (minutes is < 1 or > MaxLifetimeMinutes)
        {
            errors["lifetimeMinutes"] = [$"Must be between 1 and {MaxLifetimeMinutes}."];
        }

        var role = request?.Role ?? AcademyRoles.Owner;
        if (!AcademyRoles.IsKnown(role))
        {
            errors["role"] = [$"One of: {string.Join(", ", AcademyRoles.All)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var tenant = tenantContext.Required;
        var (token, expiresAt) = issuer.Issue(tenant, subject, role, TimeSpan.FromMinutes(minutes));
        return TypedResults.Ok(new DevTokenResponse(token, "Bearer", tenant.Slug, subject, role, expiresAt));
    }

    /// <summary>
    /// The token the reference page of an academy's host is opened with, so that "Send" works at once:
    /// only in Development (the issuer exists) and only for the academy the host resolved to.
    /// </summary>
    public static string? TokenForReferencePage(HttpContext context) =>
        context.RequestServices.GetService<DevTokenIssuer>() is { } issuer
        && context.RequestServices.GetRequiredService<ITenantContext>().Current is { } tenant
            ? issuer.Issue(tenant, DefaultSubject, AcademyRoles.Owner, s_referencePageLifetime).Token
            : null;
}
