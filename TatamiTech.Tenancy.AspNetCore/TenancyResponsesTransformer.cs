using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using TatamiTech.ServiceDefaults.OpenApi;

namespace TatamiTech.Tenancy.AspNetCore;

/// <summary>
/// What the tenancy pipeline answers before any handler, documented on every academy endpoint: the host
/// names no academy (404), the academy is suspended or the token is another academy's (403), the academy
/// or the caller's address is over its rate limit (429).
/// </summary>
public sealed class TenancyResponsesTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!ServesAnAcademy(context))
        {
            return;
        }

        await AddAsync(StatusCodes.Status404NotFound, "The host names no academy, or the resource is not in this academy.");
        await AddAsync(StatusCodes.Status403Forbidden, "The academy is suspended, or the token belongs to another academy.");
        await AddAsync(
            StatusCodes.Status429TooManyRequests, "The academy or the caller's address is over its rate limit; see Retry-After.");

        Task AddAsync(int status, string description) =>
            ProblemResponses.AddAsync(operation, context, status, description, cancellationToken);
    }

    /// <summary>Whether the operation goes through tenant resolution: every endpoint not marked tenant-agnostic.</summary>
    public static bool ServesAnAcademy(OpenApiOperationTransformerContext context) =>
        !context.Description.ActionDescriptor.EndpointMetadata.OfType<TenantAgnosticMetadata>().Any();
}
