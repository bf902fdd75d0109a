using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace TatamiTech.ServiceDefaults.OpenApi;

/// <summary>
/// Declares the bearer (JWT) scheme and asks for it on every operation that needs a caller, so a client
/// generator and the reference page both know how to authenticate.
/// </summary>
internal sealed class BearerSecurityTransformer(IOptions<AuthorizationOptions> authorization)
    : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemeName = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.AddComponent<IOpenApiSecurityScheme>(SchemeName, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT whose tenant_id claim names the academy of the request's host.",
        });
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Document is { } document && StandardResponsesTransformer.RequiresCaller(context, authorization.Value))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] }];
        }

        return Task.CompletedTask;
    }
}
