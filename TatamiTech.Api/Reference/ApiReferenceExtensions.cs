using TatamiTech.Api.DevTokens;
using TatamiTech.Api.Promotions;
using TatamiTech.Api.Students;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.OpenApi;

namespace TatamiTech.Api.Reference;

/// <summary>The API's OpenAPI document and, in Development, its reference page on every academy's host.</summary>
public static class ApiReferenceExtensions
{
    public const string Title = "TatamiTech academy API";

    public static TBuilder AddApiReference<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder =>
        builder.AddApiDocument(document =>
        {
            document.Title = Title;
            document.Description = $"""
                The API of one academy. The host names the academy: `https://<academy>.tatamitech.com`, in
                Development `http://<academy>.localhost:5080` (for example `{DemoAcademySlugs.GoldenTiger}` or
                `{DemoAcademySlugs.IronCrane}`).
                No request carries an academy id.

                Every operation needs a bearer token whose `tenant_id` claim is that academy's id; a token of
                another academy is refused with 403. In Development, `POST {ServicePaths.DevTokens}` on the
                academy's host mints one, and this page, opened on an academy's host, has one filled in already.

                Errors are RFC 9457 problem details (`application/problem+json`).
                """;
            document.Examples[typeof(StudentRequest)] = new StudentRequest
            {
                FirstName = "Aiko",
                LastName = "Tanaka",
                Email = "aiko.tanaka@example.com",
                BeltRank = "yellow",
            };
            document.Examples[typeof(PromotionRequest)] =
                new PromotionRequest { ToRank = "orange", PromotedOn = new DateOnly(2026, 11, 28) };
            document.Examples[typeof(DevTokenRequest)] = new DevTokenRequest(DevTokensApi.DefaultSubject, 60);
        });

    public static WebApplication MapApiReference(this WebApplication app) =>
        app.MapApiDocument(DevTokensApi.TokenForReferencePage);
}
