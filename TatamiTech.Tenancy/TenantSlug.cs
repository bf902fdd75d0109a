namespace TatamiTech.Tenancy;

/// <summary>
/// A tenant slug is one DNS label: lowercase letters, digits and inner hyphens, at most 63 characters, and
/// no <c>--</c> in positions 3 and 4, which DNS keeps for encoded labels (<c>xn--</c> is punycode).
/// </summary>
public static class TenantSlug
{
    public const int MaxLength = 63;

    public static bool IsValid(ReadOnlySpan<char> slug)
    {
        if (slug.IsEmpty || slug.Length > MaxLength || slug[0] == '-' || slug[^1] == '-'
            || (slug.Length >= 4 && slug[2] == '-' && slug[3] == '-'))
        {
            return false;
        }

        foreach (var c in slug)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Lowercases and validates; <c>null</c> when the value is not a slug.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var lowered = value.Trim().ToLowerInvariant();
        return IsValid(lowered) ? lowered : null;
    }
}
