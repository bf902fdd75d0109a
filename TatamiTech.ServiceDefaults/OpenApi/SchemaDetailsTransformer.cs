using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace TatamiTech.ServiceDefaults.OpenApi;

/// <summary>
/// What the attributes the framework reads cannot say: the allowed values of a string
/// (<see cref="AllowedValuesFromAttribute"/>) and an example of each body a service registered one for.
/// </summary>
internal sealed class SchemaDetailsTransformer(IOptions<ApiDocumentOptions> document, IOptions<JsonOptions> json)
    : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var allowed = context.JsonPropertyInfo?.AttributeProvider?
            .GetCustomAttributes(typeof(AllowedValuesFromAttribute), inherit: true)
            .OfType<AllowedValuesFromAttribute>()
            .FirstOrDefault();
        if (allowed is not null)
        {
            schema.Enum = [.. allowed.Values.Select(v => (JsonNode)JsonValue.Create(v))];
        }

        if (context.JsonPropertyInfo is null
            && document.Value.Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [JsonSerializer.SerializeToNode(example, context.JsonTypeInfo.Type, json.Value.SerializerOptions)!];
        }

        return Task.CompletedTask;
    }
}
