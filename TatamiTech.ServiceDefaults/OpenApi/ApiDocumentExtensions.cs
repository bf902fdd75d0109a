using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace TatamiTech.ServiceDefaults.OpenApi;

/// <summary>
/// The service's OpenAPI document (<c>/openapi/v1.json</c>, every environment) and, in Development, its
/// reference page (<c>/scalar</c>) with a token filled in.
/// </summary>
public static class ApiDocumentExtensions
{
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string ReferencePath = "/scalar";

    public static TBuilder AddApiDocument<TBuilder>(this TBuilder builder, Action<ApiDocumentOptions> configure)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure(configure);
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, context, _) =>
            {
                var settings = context.ApplicationServices.GetRequiredService<IOptions<ApiDocumentOptions>>().Value;
                document.Info.Title = settings.Title;
                document.Info.Description = settings.Description;
                // The page and clients call the host they loaded the document from: an academy's own host.
                document.Servers = [];
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<StandardResponsesTransformer>();
            options.AddSchemaTransformer<SchemaDetailsTransformer>();
        });
        return builder;
    }

    /// <param name="developmentToken">
    /// A token for the page to send, minted for the request (for an academy's host, a token of that academy);
    /// <c>null</c> leaves the field for the developer.
    /// </param>
    public static WebApplication MapApiDocument(this WebApplication app, Func<HttpContext, string?>? developmentToken = null)
    {
        // The description of the API is the same on every host and names no academy.
        app.MapOpenApi(DocumentPath).AllowAnonymous().WithTenantAgnostic().Add(endpoint =>
        {
            // The generator writes the request's host into the document through HttpRequest.Host, which
            // throws on a label that does not decode (xn--a): the caller's mistake, answered 400, not a 500.
            var inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context => HostDecodes(context.Request)
                ? inner(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "The Host header is not a valid host name.")
                    .ExecuteAsync(context);
        });

        if (app.Environment.IsDevelopment())
        {
            var title = app.Services.GetRequiredService<IOptions<ApiDocumentOptions>>().Value.Title;
            app.MapScalarApiReference(ReferencePath, (options, context) =>
                {
                    options.WithTitle(title)
                        .WithOpenApiRoutePattern(DocumentPath)
                        .DisableDefaultFonts()
                        .AddPreferredSecuritySchemes(BearerSecurityTransformer.SchemeName);
                    // The host the page was opened on, so that its code samples are complete commands. The raw
                    // header: HttpRequest.Host throws on a label that does not decode.
                    options.Servers = [new ScalarServer($"{context.Request.Scheme}://{context.Request.Headers.Host}")];
                    if (developmentToken?.Invoke(context) is { } token)
                    {
                        options.AddHttpAuthentication(BearerSecurityTransformer.SchemeName, scheme => scheme.Token = token);
                    }
                })
                // Still resolved to the host's academy (an unknown host is 404), but needs no token to open.
                .AllowAnonymous()
                .Add(endpoint =>
                {
                    // The page holds a token: no cache may keep it.
                    var inner = endpoint.RequestDelegate!;
                    endpoint.RequestDelegate = context =>
                    {
                        context.Response.Headers.CacheControl = "no-store";
                        return inner(context);
                    };
                });
        }

        return app;
    }

    private static bool HostDecodes(HttpRequest request)
    {
        try
        {
            _ = request.Host;
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
