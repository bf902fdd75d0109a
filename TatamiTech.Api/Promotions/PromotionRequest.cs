using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using TatamiTech.Data.Students;
using TatamiTech.ServiceDefaults.OpenApi;

namespace TatamiTech.Api.Promotions;

/// <summary>The body of a promotion. The student comes from the route and the academy from the address.</summary>
public sealed record PromotionRequest
{
    [Required, AllowedValuesFrom(typeof(BeltRanks), nameof(BeltRanks.All))]
    public string? ToRank { get; init; }

    /// <summary>Defaults to today (UTC) when absent.</summary>
    public DateOnly? PromotedOn { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; init; }
}
