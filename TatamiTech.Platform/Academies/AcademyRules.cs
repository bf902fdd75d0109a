using Microsoft.Extensions.Options;
using TatamiTech.Tenancy.AspNetCore.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.Platform.Academies;

/// <summary>
/// What a new academy must be: a slug that is a host label no other part of the platform needs, a name,
/// and a time zone the server knows. Each broken rule is named in the answer.
/// </summary>
public sealed class AcademyRules(IOptions<TenancyOptions> tenancy)
{
    public const int MinSlugLength = 3;
    public const int MaxNameLength = 200;

    /// <summary>Subdomains the platform keeps for itself.</summary>
    public static readonly IReadOnlySet<string> ReservedSlugs = new HashSet<string>(StringComparer.Ordinal)
    {
        "www", "api", "admin", "platform", "app", "auth", "login", "mail", "status", "docs", "help", "support", "static", "cdn",
    };

    public Dictionary<string, string[]> Validate(CreateAcademyRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (SlugProblem(request.Slug) is { } slug)
        {
            errors["slug"] = [slug];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxNameLength)
        {
            errors["name"] = [$"Required, at most {MaxNameLength} characters."];
        }

        if (string.IsNullOrWhiteSpace(request.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone, out var zone)
            || !zone.HasIanaId)
        {
            errors["timeZone"] = ["An IANA time zone, such as Europe/Paris or America/Sao_Paulo."];
        }

        return errors;
    }

    private string? SlugProblem(string? slug)
    {
        if (string.IsNullOrEmpty(slug) || slug.Length < MinSlugLength || slug.Length > TenantSlug.MaxLength)
        {
            return $"Between {MinSlugLength} and {TenantSlug.MaxLength} characters.";
        }

        if (slug.Any(c => c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')))
        {
            return "Only lowercase letters, digits and '-'.";
        }

        if (slug[0] == '-' || slug[^1] == '-')
        {
            return "No '-' at the start or the end.";
        }

        if (slug.Length >= 4 && slug[2] == '-' && slug[3] == '-')
        {
            return "No '--' in positions 3 and 4 (kept for encoded host names such as xn--).";
        }

        if (ReservedSlugs.Contains(slug) || RootLabels().Contains(slug))
        {
            return $"'{slug}' is reserved.";
        }

        // The rules above are the platform's; the host parser's are the last word on what resolves.
        return TenantSlug.IsValid(slug) ? null : "Not a valid host label.";
    }

    private HashSet<string> RootLabels() =>
        tenancy.Value.RootDomains.SelectMany(root => root.Split('.', StringSplitOptions.RemoveEmptyEntries))
            .Select(label => label.ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
}
