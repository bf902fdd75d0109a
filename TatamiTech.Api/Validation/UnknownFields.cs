using System.Text.Json;

namespace TatamiTech.Api.Validation;

internal static class UnknownFields
{
    /// <summary>
    /// Every field a body carries beyond its contract is an error; <c>tenantId</c> gets the reason,
    /// since the academy only ever comes from the address called.
    /// </summary>
    public static void Report(Dictionary<string, JsonElement>? fields, Dictionary<string, string[]> errors)
    {
        foreach (var field in fields?.Keys ?? Enumerable.Empty<string>())
        {
            errors[field] = string.Equals(field, "tenantId", StringComparison.OrdinalIgnoreCase)
                ? ["The academy comes from the address you call; it cannot be set in the body."]
                : ["Unknown field."];
        }
    }
}
