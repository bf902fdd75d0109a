namespace TatamiTech.Platform.Academies;

public sealed record CreateAcademyRequest(string? Slug, string? Name, string? TimeZone);

public sealed record SuspendAcademyRequest(string? Reason);

public sealed record AcademyResponse(
    Guid Id,
    string Slug,
    string Name,
    string TimeZone,
    string Status,
    DateTimeOffset CreatedAt,
    string? SuspendedReason,
    DateTimeOffset? SuspendedAt);

public sealed record AcademyPage(IReadOnlyList<AcademyResponse> Items, int Page, int PageSize, long TotalCount);
