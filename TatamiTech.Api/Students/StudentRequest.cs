using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using TatamiTech.Data.Students;
using TatamiTech.ServiceDefaults.OpenApi;

namespace TatamiTech.Api.Students;

/// <summary>
/// The body of POST and PUT. Every field is optional here so that a missing one is reported as a
/// field error, not a parse failure; the attributes describe the rules for the OpenAPI document, and
/// <see cref="ValidStudent"/> enforces them. Unknown fields, <c>tenantId</c> first among them, are refused.
/// </summary>
public sealed record StudentRequest
{
    [Required, StringLength(ValidStudent.NameMaxLength)]
    public string? FirstName { get; init; }

    [Required, StringLength(ValidStudent.NameMaxLength)]
    public string? LastName { get; init; }

    [Required, StringLength(ValidStudent.EmailMaxLength), EmailAddress]
    public string? Email { get; init; }

    [Required, AllowedValuesFrom(typeof(BeltRanks), nameof(BeltRanks.All))]
    public string? BeltRank { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; init; }
}
