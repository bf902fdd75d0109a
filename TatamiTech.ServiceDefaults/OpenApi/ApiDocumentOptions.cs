namespace TatamiTech.ServiceDefaults.OpenApi;

/// <summary>How a service describes itself in its OpenAPI document and reference page.</summary>
public sealed class ApiDocumentOptions
{
    public string Title { get; set; } = "TatamiTech";

    /// <summary>Markdown shown at the top of the reference page: how to get a token, what the host means.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>An example value per body type, serialized as the service serializes it.</summary>
    public Dictionary<Type, object> Examples { get; } = [];
}
