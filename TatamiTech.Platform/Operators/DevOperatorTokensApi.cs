using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.Tenancy.Binding;

namespace TatamiTech.Platform.Operators;

/// <summary>
/// <c>POST /dev/operator-tokens</c> mints an operator token, so a developer can drive the platform with
/// curl. Exists only in Development with an HS256 key.
/// </summary>
public static class DevOperatorTokensApi
{
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
            app.MapPost(ServicePaths.DevOperatorTokens, Issue).AllowAnonymous().WithTags("Development");
        }

        return app;
    }

    public static Ok<OperatorTokenResponse> Issue(OperatorTokenRequest? request, DevelopmentTokenWriter writer)
    {
        var subject = string.IsNullOrWhiteSpace(request?.Subject) ? "dev-operator" : request.Subject.Trim();
        var (token, expiresAt) = writer.Write(
            [new Claim(TatamiClaims.Subject, subject), new Claim(TatamiClaims.Role, TatamiClaims.PlatformOperatorRole)],
            s_lifetime);
        return TypedResults.Ok(new OperatorTokenResponse(token, "Bearer", subject, expiresAt));
    }
}

/// <param name="Subject">The operator the token is for; defaults to <c>dev-operator</c>.</param>
public sealed record OperatorTokenRequest(string? Subject);

public sealed record OperatorTokenResponse(string AccessToken, string TokenType, string Subject, DateTimeOffset ExpiresAt);
