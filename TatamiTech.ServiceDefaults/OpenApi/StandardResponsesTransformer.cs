using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace TatamiTech.ServiceDefaults.OpenApi;

/// <summary>
/// The answers every endpoint of these services can give before its handler runs, read from the endpoint
/// itself so that a new endpoint is documented by being mapped: a body that does not bind (400, 413, 415),
/// a route or query value that does not parse (400), a caller without a valid token (401, 403).
/// </summary>
internal sealed class StandardResponsesTransformer(IOptions<AuthorizationOptions> authorization) : IOpenApiOperationTransformer
{
    public async Task TransformAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.RequestBody is not null)
        {
            await AddAsync(StatusCodes.Status400BadRequest, "The body is not this operation's JSON, or a field is invalid.");
            await AddAsync(StatusCodes.Status413PayloadTooLarge, "The body is over the service's limit.");
            await AddAsync(StatusCodes.Status415UnsupportedMediaType, "The body is not application/json.");
        }
        else if (operation.Parameters is { Count: > 0 })
        {
            await AddAsync(StatusCodes.Status400BadRequest, "A route or query value does not parse or is out of range.");
        }

        if (RequiresCaller(context))
        {
            await AddAsync(StatusCodes.Status401Unauthorized, "No bearer token, or one that is invalid or expired.");
            await AddAsync(StatusCodes.Status403Forbidden, "The token does not grant this operation.");
        }

        // Errors the handler itself declared, such as a bare 404, are problem details too.
        foreach (var key in operation.Responses?.Keys.Where(k => k[0] is '4' or '5').ToList() ?? [])
        {
            await ProblemResponses.EnsureProblemBodyAsync(operation, context, key, cancellationToken);
        }

        Task AddAsync(int status, string description) =>
            ProblemResponses.AddAsync(operation, context, status, description, cancellationToken);
    }

    /// <summary>Whether authorization asks for a caller: the endpoint's own policy or the fallback, unless anonymous.</summary>
    internal static bool RequiresCaller(OpenApiOperationTransformerContext context, AuthorizationOptions options)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return false;
        }

        return metadata.OfType<IAuthorizeData>().Any() || options.FallbackPolicy is not null;
    }

    private bool RequiresCaller(OpenApiOperationTransformerContext context) => RequiresCaller(context, authorization.Value);
}
