using System.Text.Json;
using System.Text.Json.Serialization;

namespace TatamiTech.Api.Students;

/// <summary>
/// The body of POST and PUT. Every field is optional here so that a missing one is reported as a
/// field error, not a parse failure. Unknown fields, <c>tenantId</c> first among them, are refused.
/// </summary>
public sealed record StudentRequest
{
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Email { get; init; }

    public string? BeltRank { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; init; }
}
