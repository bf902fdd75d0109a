using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TatamiTech.Names;
using TatamiTech.Tenancy.AspNetCore.Authentication;

namespace TatamiTech.Platform.Operators;

/// <summary>
/// <c>POST /dev/operator-tokens</c> mints an operator token, so a developer can drive the platform with
/// curl. Exists only in Development with an HS256 key.
/// </summary>
public static class DevOperatorTokensApi
{
    public const string DefaultSubject = "dev-operator";
    private static readonly TimeSpan s_lifetime = TimeSpan.FromHours(1);

    public static bool IsEnabled(IHostEnvironment environment, IConfiguration configuration) =>
        environment.IsDevelopment() && !string.IsNullOrWhiteSpace(configuration[ConfigurationKeys.JwtSigningKey]);

    public static TBuilder AddDevOperatorTokens<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (IsEnabled(builder.Environment, builder.Configuration))
        {
            builder.Services.AddSingleton<DevelopmentTokenWriter>();
        }

        return builder;
    }

    public static WebApplication MapDevOperatorTokens(this WebApplication app)
    {
        if (IsEnabled(app.Environment, app.Configuration))
        {
            app.MapPost(ServicePaths.DevOperatorTokens, Issue).AllowAnonymous().WithTags("Development")
                .WithSummary("Development only: an operator token.");
        }

        return app;
    }

    public static Ok<OperatorTokenResponse> Issue(OperatorTokenRequest? request, DevelopmentTokenWriter writer)
    {
        var subject = string.IsNullOrWhiteSpace(request?.Subject) ? DefaultSubject : request.Subject.Trim();
        var (token, expiresAt) = Write(writer, subject);
        return TypedResults.Ok(new OperatorTokenResponse(token, "Bearer", subject, expiresAt));
    }

    /// <summary>The operator token the reference page opens with; only in Development (the writer exists).</summary>
    public static string? TokenForReferencePage(HttpContext context) =>
        context.RequestServices.GetService<DevelopmentTokenWriter>() is { } writer ? Write(writer, DefaultSubject).Token : null;

    private static (string Token, DateTimeOffset ExpiresAt) Write(DevelopmentTokenWriter writer, string subject) => writer.Write(
        [new Claim(TatamiClaims.Subject, subject), new Claim(TatamiClaims.Role, TatamiClaims.PlatformOperatorRole)], s_lifetime);
}

/// <param name="Subject">The operator the token is for; defaults to <c>dev-operator</c>.</param>
public sealed record OperatorTokenRequest(string? Subject);

public sealed record OperatorTokenResponse(string AccessToken, string TokenType, string Subject, DateTimeOffset ExpiresAt);
