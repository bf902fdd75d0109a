using TatamiTech.Names;
using TatamiTech.Platform.Academies;
using TatamiTech.Platform.Operators;
using TatamiTech.ServiceDefaults.OpenApi;
using TatamiTech.Tenancy.AspNetCore.Authentication;

namespace TatamiTech.Platform.Reference;

/// <summary>The platform's OpenAPI document and, in Development, its reference page with an operator token.</summary>
public static class PlatformReferenceExtensions
{
    public const string Title = "TatamiTech platform API";

    public static TBuilder AddPlatformReference<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder =>
        builder.AddApiDocument(document =>
        {
            document.Title = Title;
            document.Description = $"""
                The operators' API: provision, list, suspend, resume, export and erase academies, and read the
                audit of those actions. Not an academy's API: it answers on its own host, never on an academy's.

                Every operation needs an operator's bearer token (role `{TatamiClaims.PlatformOperatorRole}`). In
                Development, `POST {ServicePaths.DevOperatorTokens}` mints one, and this page has one filled in already.

                Errors are RFC 9457 problem details (`application/problem+json`).
                """;
            document.Examples[typeof(CreateAcademyRequest)] = new CreateAcademyRequest("bluelotus", "Blue Lotus Dojo", "Europe/Paris");
            document.Examples[typeof(SuspendAcademyRequest)] = new SuspendAcademyRequest("Invoice unpaid for 60 days.");
        });

    public static WebApplication MapPlatformReference(this WebApplication app) =>
        app.MapApiDocument(DevOperatorTokensApi.TokenForReferencePage);
}
