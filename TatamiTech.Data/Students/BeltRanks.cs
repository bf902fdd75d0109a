namespace TatamiTech.Data.Students;

/// <summary>The belt ranks an academy can record, lowest first. The one list the API validates against.</summary>
public static class BeltRanks
{
    public static readonly IReadOnlyList<string> All =
        ["white", "yellow", "orange", "green", "blue", "purple", "brown", "black"];

    /// <summary>The canonical (lowercase) rank, or <c>null</c> when the value is not a rank.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var lowered = value.Trim().ToLowerInvariant();
        return All.Contains(lowered) ? lowered : null;
    }
}
