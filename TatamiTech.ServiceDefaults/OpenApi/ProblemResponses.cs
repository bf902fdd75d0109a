using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TatamiTech.ServiceDefaults.OpenApi;

/// <summary>
/// Adds error responses to an operation as RFC 9457 problem details: every error these services send is
/// one, whichever part of the pipeline sends it.
/// </summary>
public static class ProblemResponses
{
    public const string ContentType = "application/problem+json";
    private const string SchemaId = "ProblemDetails";

    /// <summary>Documents <paramref name="statusCode"/> unless the endpoint already does; gives it a problem body.</summary>
    public static async Task AddAsync(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        int statusCode,
        string description,
        CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        var key = statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses.ContainsKey(key))
        {
            operation.Responses[key] = new OpenApiResponse { Description = description };
        }

        await EnsureProblemBodyAsync(operation, context, key, cancellationToken);
    }

    /// <summary>An error response the endpoint declared without a body (a bare 404) still gets a problem body.</summary>
    public static async Task EnsureProblemBodyAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, string key, CancellationToken cancellationToken)
    {
        if (operation.Responses?[key] is not OpenApiResponse { } response || response.Content is { Count: > 0 })
        {
            return;
        }

        response.Content = new Dictionary<string, OpenApiMediaType>
        {
            [ContentType] = new() { Schema = await ProblemSchemaAsync(context, cancellationToken) },
        };
    }

    private static async Task<IOpenApiSchema> ProblemSchemaAsync(
        OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Document is not { } document)
        {
            return await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        }

        if (document.Components?.Schemas?.ContainsKey(SchemaId) != true)
        {
            document.AddComponent(SchemaId, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
        }

        return new OpenApiSchemaReference(SchemaId, document);
    }
}
