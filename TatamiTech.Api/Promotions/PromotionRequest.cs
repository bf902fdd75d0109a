using System.Text.Json;
using System.Text.Json.Serialization;

namespace TatamiTech.Api.Promotions;

/// <summary>The body of a promotion. The student comes from the route and the academy from the address.</summary>
public sealed record PromotionRequest
{
    public string? ToRank { get; init; }

    /// <summary>Defaults to today (UTC) when absent.</summary>
    public DateOnly? PromotedOn { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; init; }
}
